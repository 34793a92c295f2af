/**
 * The dashboard in the local runtime: the same handler as the dashboard function in AWS, over
 * files built in memory on the first request, so starting the runtime costs nothing extra and
 * `npm start` needs no build step.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDashboardHandler, type DashboardHandler } from '#functions/dashboard';

let built: Promise<DashboardHandler> | undefined;

export async function serveDashboard(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  // esbuild is imported only when the dashboard is asked for; a failed build is tried again next time.
  built ??= import('../dashboard/build.ts')
    .then(async ({ buildDashboard }) => createDashboardHandler(await buildDashboard()))
    .catch((error: unknown) => {
      built = undefined;
      throw error;
    });
  return (await built)(event);
}

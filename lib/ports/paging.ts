/** How a caller asks for one page of a list. */

export interface PageRequest {
  limit: number;
  cursor?: string;
}

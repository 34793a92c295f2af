/**
 * The test-set calls of the API (CONTRACT.md, "Test sets (evaluations)"): sets, cases added by CSV
 * or copied from a conversation's message, and runs.
 */
import { get, patch, post, postText, remove, segment } from './api.ts';
import type { AddedCases, CaseFromMessageRequest, StartedRun, TestRun, TestSet, TestSetRequest } from './types.ts';

export const testSetsPath = (aiId: string) => `/v1/ais/${segment(aiId)}/test-sets`;
export const testSetPath = (aiId: string, setId: string) => `${testSetsPath(aiId)}/${segment(setId)}`;
export const runsPath = (aiId: string, setId: string) => `${testSetPath(aiId, setId)}/runs`;

export const getTestSet = (aiId: string, setId: string) => get<TestSet>(testSetPath(aiId, setId));

export const createTestSet = (aiId: string, body: TestSetRequest) => post<TestSet>(testSetsPath(aiId), { ...body });

export const saveTestSet = (aiId: string, setId: string, body: TestSetRequest) =>
  patch<TestSet>(testSetPath(aiId, setId), { ...body });

export const deleteTestSet = (aiId: string, setId: string) => remove(testSetPath(aiId, setId));

/** Adds the CSV's rows as cases (header `message,contains,not_contains,…`). */
export const addCasesFromCsv = (aiId: string, setId: string, csv: string) =>
  postText<AddedCases>(`${testSetPath(aiId, setId)}/cases`, 'text/csv', csv);

/** Copies a conversation's inbound message (and the turns before it) into the set as a case. */
export const addCaseFromMessage = (aiId: string, setId: string, body: CaseFromMessageRequest) =>
  post<AddedCases>(`${testSetPath(aiId, setId)}/cases`, { ...body });

export const startRun = (aiId: string, setId: string) => post<StartedRun>(runsPath(aiId, setId));

export const getRun = (aiId: string, setId: string, runId: string) =>
  get<TestRun>(`${runsPath(aiId, setId)}/${segment(runId)}`);

// The boards survey (pure): one row per board DTB, and its renderings.
export { surveyBoard, surveyPlacement, type BoardRow, type CrashCell, type ReservedNode, type SurveyOptions } from './survey.ts';
export { renderBoardsJson, renderBoardsTable, summarize, type BoardsSummary } from './render.ts';

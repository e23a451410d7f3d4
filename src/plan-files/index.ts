export {
  formatProblems,
  parsePlanText,
  readPlanFile,
  type FormatOptions,
  type ParseOptions,
  type PlanFileProblem,
  type PlanFileResult,
} from './read-plan-file.js';
export { formatPath, parsePath, type PathSegment } from './paths.js';

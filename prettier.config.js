// Prettier owns the layout of the TypeScript and JavaScript sources (`npm run format`).
// The settings are the ones the code was already written in, so reformatting moved
// little: single quotes, two spaces, trailing commas, lines up to 140 columns.
/** @type {import('prettier').Config} */
export default {
  printWidth: 140,
  singleQuote: true,
  trailingComma: 'all',
};

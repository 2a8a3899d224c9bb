/** Terminal colours, off when stdout is not a terminal or NO_COLOR is set. */
const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const wrap = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

/** The few styles the demo uses. */
export const paint = {
  dim: wrap('2'),
  bold: wrap('1'),
  red: wrap('1;31'),
  green: wrap('32'),
};

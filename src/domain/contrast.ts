// WCAG 2 contrast between two `#rrggbb` colours, shared by the pages' stylesheet
// (http/web/brand.ts) and the emails' shell (app/email-shell.ts): a pale brand colour must
// not make a button or a link unreadable in either.

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

export const DEFAULT_ACCENT = '#0b57d0';

/** The accent's colours: the text on an accent-filled button, and a link colour readable on white. */
export function accentColours(accent: string | null): { accent: string; onAccent: string; link: string } {
  const color = accent ?? DEFAULT_ACCENT;
  const onAccent = contrast(color, '#ffffff') >= contrast(color, '#1b1b1f') ? '#ffffff' : '#1b1b1f';
  // Links are text on white: a colour too pale for that falls back to the default.
  const link = contrast(color, '#ffffff') >= 4.5 ? color : DEFAULT_ACCENT;
  return { accent: color, onAccent, link };
}

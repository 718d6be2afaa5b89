// The brand's accent colour as a stylesheet (/brand.css): the CSP allows no inline
// style, and the colour is configuration, not a file. The text on accent-coloured buttons
// is white or near-black, whichever contrasts more (WCAG 2 relative luminance), so a pale
// brand colour cannot make a button unreadable (domain/contrast.ts, shared with the emails).
import { accentColours } from '../../domain/contrast.ts';

export function brandStylesheet(accent: string | null): string {
  const { accent: color, onAccent, link } = accentColours(accent);
  return `:root { --accent: ${color}; --on-accent: ${onAccent}; --link: ${link}; }\n`;
}

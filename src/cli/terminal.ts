// Cards drawn in a terminal, for `cardql render`: rows, badges as [Label], buttons, boxes for containers.
import type { CardResult } from '../resolve/card-result.ts';
import type { BadgeColor, Component, ContainerContent, LeafComponent, TextColor } from '../plain/components.ts';

export type TerminalOptions = {
  /** ANSI colours and bold; off when the output is not a terminal or NO_COLOR is set. */
  color: boolean;
  /** Columns to draw in. */
  width: number;
};

type Paint = (text: string, ...styles: Style[]) => string;
type Style = keyof typeof ANSI;

const ANSI = {
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  underline: [4, 24],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  gray: [90, 39],
} as const;

const BADGE_STYLE: Record<BadgeColor, Style> = { GREY: 'gray', GREEN: 'green', YELLOW: 'yellow', RED: 'red', BLUE: 'blue' };
const TEXT_STYLE: Record<TextColor, Style[]> = { NORMAL: [], MUTED: ['dim'], SUCCESS: ['green'], WARNING: ['yellow'], ERROR: ['red'] };

/** Every card of a resolution, one after the other, each under a title line with its key, TTL and duration. */
export function renderCards(results: CardResult[], { color, width }: TerminalOptions): string {
  const paint: Paint = (text, ...styles) =>
    color ? styles.reduce((out, style) => `\x1b[${ANSI[style][0]}m${out}\x1b[${ANSI[style][1]}m`, text) : text;
  return results.map((result) => renderCard(result, paint, Math.max(40, width))).join('\n\n') + '\n';
}

function renderCard(result: CardResult, paint: Paint, width: number): string {
  const ttl = result.card.timeToLiveSeconds == null ? 'TTL from Plain' : `TTL ${result.card.timeToLiveSeconds} s`;
  const status = result.outcome === 'ok' || result.outcome === 'no-data' ? '' : paint(` ${result.outcome.toUpperCase()} (reference ${result.reference})`, 'red', 'bold');
  const facts = `${ttl} · ${result.durationMs} ms`;
  const title = `── ${paint(result.key, 'bold')}${status} `;
  const line = `${title}${'─'.repeat(Math.max(2, width - visible(title).length - facts.length - 1))} ${paint(facts, 'dim')}`;
  const components = result.card.components;
  if (components === null) return `${line}\n${paint('  (no data: Plain does not display this card)', 'dim')}`;
  return [line, ...components.flatMap((c) => block(c, paint, width - 2)).map((l) => `  ${l}`.trimEnd())].join('\n');
}

/** One component as lines no wider than `width` (long words aside). */
function block(component: Component | ContainerContent, paint: Paint, width: number): string[] {
  if ('componentContainer' in component) {
    const inner = width - 4;
    const lines = component.componentContainer.containerContent.flatMap((c) => block(c, paint, inner));
    const border = (s: string) => paint(s, 'gray');
    return [
      border(`╭${'─'.repeat(width - 2)}╮`),
      ...lines.map((l) => `${border('│')} ${l}${' '.repeat(Math.max(0, inner - visible(l).length))} ${border('│')}`),
      border(`╰${'─'.repeat(width - 2)}╯`),
    ];
  }
  if ('componentRow' in component) {
    const main = component.componentRow.rowMainContent.flatMap((c) => block(c, paint, width));
    const aside = component.componentRow.rowAsideContent.flatMap((c) => block(c, paint, width));
    const lines: string[] = [];
    for (let i = 0; i < Math.max(main.length, aside.length); i++) {
      const left = main[i] ?? '';
      const right = aside[i] ?? '';
      const gap = width - visible(left).length - visible(right).length;
      if (!right) lines.push(left);
      else if (gap >= 1) lines.push(`${left}${' '.repeat(gap)}${right}`);
      else lines.push(...(left ? [left] : []), `${' '.repeat(Math.max(0, width - visible(right).length))}${right}`);
    }
    return lines;
  }
  if ('componentSpacer' in component) return ['M', 'L', 'XL'].includes(component.componentSpacer.spacerSize) ? [''] : [];
  if ('componentDivider' in component) return [paint('─'.repeat(width), 'gray')];
  return wrap(leaf(component, paint), width);
}

function leaf(component: LeafComponent, paint: Paint): string {
  if ('componentText' in component) {
    const { text, textColor, textSize } = component.componentText;
    return paint(markdown(text, paint), ...TEXT_STYLE[textColor ?? 'NORMAL'], ...(textSize === 'L' ? (['bold'] as const) : []));
  }
  if ('componentPlainText' in component) {
    const { plainText, plainTextColor } = component.componentPlainText;
    return paint(plainText, ...TEXT_STYLE[plainTextColor ?? 'NORMAL']);
  }
  if ('componentBadge' in component) {
    const { badgeLabel, badgeColor } = component.componentBadge;
    return paint(`[${badgeLabel}]`, BADGE_STYLE[badgeColor ?? 'GREY']);
  }
  if ('componentLinkButton' in component) {
    const { linkButtonLabel, linkButtonUrl } = component.componentLinkButton;
    return `${paint(`(${linkButtonLabel} ↗)`, 'bold')} ${paint(linkButtonUrl, 'underline', 'blue')}`;
  }
  if ('componentCopyButton' in component) {
    const { copyButtonValue, copyButtonTooltipLabel } = component.componentCopyButton;
    return paint(`⧉ ${copyButtonTooltipLabel ?? copyButtonValue}`, 'dim');
  }
  if ('componentWorkflowButton' in component) {
    const { workflowButtonLabel, workflowButtonWorkflowIdentifier } = component.componentWorkflowButton;
    return `${paint(`(${workflowButtonLabel} ⚙)`, 'bold')} ${paint(workflowButtonWorkflowIdentifier.workflowId, 'dim')}`;
  }
  return block(component, paint, 80).join(' ');
}

/** Plain's markdown subset: **bold**, *italic* or _italic_, [links](url), backslash escapes. */
function markdown(text: string, paint: Paint): string {
  return text
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => `${label} ${paint(`<${url}>`, 'underline', 'blue')}`)
    .replace(/\*\*(.+?)\*\*/g, (_m, inner: string) => paint(inner, 'bold'))
    .replace(/(?<![\\*\w])[*_](?!\s)(.+?)(?<![\s\\])[*_](?!\w)/g, (_m, inner: string) => paint(inner, 'italic'))
    .replace(/\\([\\`*_[\]()#~>|])/g, '$1');
}

/** Breaks a line at spaces so that it fits; a word longer than the width stays whole. */
function wrap(line: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of line.split('\n')) {
    let current = '';
    for (const word of paragraph.split(' ')) {
      if (current && visible(`${current} ${word}`).length > width) {
        lines.push(current);
        current = word;
      } else {
        current = current ? `${current} ${word}` : word;
      }
    }
    lines.push(current);
  }
  return lines;
}

// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;]*m/g;

function visible(text: string): string {
  return text.replace(ESCAPES, '');
}

// Tiny builders for Plain components, so that mappers read as layouts rather than JSON literals.
import type {
  BadgeColor,
  Component,
  ComponentContainer,
  ComponentRow,
  ContainerContent,
  LeafComponent,
  SpacingSize,
  TextColor,
  TextSize,
} from './components.ts';
import { LIMITS } from './components.ts';

type TextOptions = { size?: TextSize; color?: TextColor };

/** Cuts `value` to at most `max` characters, ending with an ellipsis when it was cut. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max - 1).trimEnd()}…`;
}

/** Markdown text (bold, italic, links). Cut to Plain's 5000-character limit. */
export function text(value: string, { size, color }: TextOptions = {}): LeafComponent {
  return {
    componentText: {
      text: truncate(value, LIMITS.text),
      ...(size && { textSize: size }),
      ...(color && { textColor: color }),
    },
  };
}

/** Text shown literally, never interpreted as markdown: use it for data typed by people. */
export function plainText(value: string, { size, color }: TextOptions = {}): LeafComponent {
  return {
    componentPlainText: {
      plainText: truncate(value, LIMITS.text),
      ...(size && { plainTextSize: size }),
      ...(color && { plainTextColor: color }),
    },
  };
}

/** A small muted caption, the label above or beside a value in Plain's examples. */
export function label(value: string): LeafComponent {
  return text(value, { size: 'S', color: 'MUTED' });
}

export function badge(value: string, color: BadgeColor = 'GREY'): LeafComponent {
  return { componentBadge: { badgeLabel: truncate(value, LIMITS.label), badgeColor: color } };
}

export function spacer(size: SpacingSize = 'S'): LeafComponent {
  return { componentSpacer: { spacerSize: size } };
}

export function divider(size: SpacingSize = 'S'): LeafComponent {
  return { componentDivider: { dividerSpacingSize: size } };
}

export function linkButton(value: string, url: string): LeafComponent {
  return { componentLinkButton: { linkButtonLabel: truncate(value, LIMITS.label), linkButtonUrl: url } };
}

export function copyButton(value: string, tooltip?: string): LeafComponent {
  return {
    componentCopyButton: {
      copyButtonValue: truncate(value, LIMITS.copyValue),
      ...(tooltip && { copyButtonTooltipLabel: truncate(tooltip, LIMITS.label) }),
    },
  };
}

export function workflowButton(value: string, workflowId: string): LeafComponent {
  return {
    componentWorkflowButton: {
      workflowButtonLabel: truncate(value, LIMITS.label),
      workflowButtonWorkflowIdentifier: { workflowId },
    },
  };
}

/** Main content on the left, aside content right-aligned. Accepts one leaf or several per side. */
export function row(main: LeafComponent | LeafComponent[], aside: LeafComponent | LeafComponent[]): ComponentRow {
  return {
    componentRow: {
      rowMainContent: Array.isArray(main) ? main : [main],
      rowAsideContent: Array.isArray(aside) ? aside : [aside],
    },
  };
}

/** A caption on the left and its value on the right: the most common line of a card. */
export function field(caption: string, value: LeafComponent | string): ComponentRow {
  return row(label(caption), typeof value === 'string' ? text(value) : value);
}

export function container(...content: ContainerContent[]): ComponentContainer {
  return { componentContainer: { containerContent: content } };
}

/** Drops the `null`, `undefined` and `false` left by conditional parts of a layout. */
export function compact<T extends Component>(parts: Array<T | null | undefined | false>): T[] {
  return parts.filter((part): part is T => Boolean(part));
}

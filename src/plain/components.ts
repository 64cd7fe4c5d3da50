// Plain's UI components as zod schemas: the shape every card we send must have (spec section 5).
import { z } from 'zod';

/** Text sizes Plain renders; M when omitted. */
export const TextSize = z.enum(['S', 'M', 'L']);
export type TextSize = z.infer<typeof TextSize>;

/** Text colours Plain renders; NORMAL when omitted. */
export const TextColor = z.enum(['NORMAL', 'MUTED', 'SUCCESS', 'WARNING', 'ERROR']);
export type TextColor = z.infer<typeof TextColor>;

export const BadgeColor = z.enum(['GREY', 'GREEN', 'YELLOW', 'RED', 'BLUE']);
export type BadgeColor = z.infer<typeof BadgeColor>;

export const SpacingSize = z.enum(['XS', 'S', 'M', 'L', 'XL']);
export type SpacingSize = z.infer<typeof SpacingSize>;

/** Plain's documented length limits (the docs' 5000 for text, not the GraphQL schema's 10000). */
export const LIMITS = {
  text: 5000,
  label: 500,
  copyValue: 1000,
} as const;

const nonEmpty = (max: number) => z.string().min(1).max(max);

const absoluteUrl = z.string().min(1).refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:';
    } catch {
      return false;
    }
  },
  { message: 'expected an absolute http(s) or mailto URL' },
);

export const ComponentText = z.strictObject({
  componentText: z.strictObject({
    text: nonEmpty(LIMITS.text),
    textSize: TextSize.nullish(),
    textColor: TextColor.nullish(),
  }),
});

export const ComponentPlainText = z.strictObject({
  componentPlainText: z.strictObject({
    plainText: nonEmpty(LIMITS.text),
    plainTextSize: TextSize.nullish(),
    plainTextColor: TextColor.nullish(),
  }),
});

export const ComponentBadge = z.strictObject({
  componentBadge: z.strictObject({
    badgeLabel: nonEmpty(LIMITS.label),
    badgeColor: BadgeColor.nullish(),
  }),
});

export const ComponentSpacer = z.strictObject({
  componentSpacer: z.strictObject({ spacerSize: SpacingSize }),
});

export const ComponentDivider = z.strictObject({
  componentDivider: z.strictObject({ dividerSpacingSize: SpacingSize.nullish() }),
});

export const ComponentLinkButton = z.strictObject({
  componentLinkButton: z.strictObject({
    linkButtonLabel: nonEmpty(LIMITS.label),
    linkButtonUrl: absoluteUrl,
  }),
});

export const ComponentCopyButton = z.strictObject({
  componentCopyButton: z.strictObject({
    copyButtonValue: nonEmpty(LIMITS.copyValue),
    copyButtonTooltipLabel: nonEmpty(LIMITS.label).nullish(),
  }),
});

export const ComponentWorkflowButton = z.strictObject({
  componentWorkflowButton: z.strictObject({
    workflowButtonLabel: nonEmpty(LIMITS.label),
    workflowButtonWorkflowIdentifier: z.strictObject({ workflowId: z.string().min(1) }),
  }),
});

// Each component is a strict object with one required key, so at most one option of a union can
// match and the order of options never changes what is accepted. It does change the cost: options
// are tried in order, most frequent first. Unions stay flat for the same reason: a nested union that
// fails (a leaf union tried on a row) builds every one of its error messages before the next option.
const LEAVES = [
  ComponentText,
  ComponentPlainText,
  ComponentSpacer,
  ComponentDivider,
  ComponentBadge,
  ComponentCopyButton,
  ComponentLinkButton,
  ComponentWorkflowButton,
] as const;

/** Components that hold no other component: the only ones allowed inside a row. */
export const LeafComponent = z.union(LEAVES);
export type LeafComponent = z.infer<typeof LeafComponent>;

export const ComponentRow = z.strictObject({
  componentRow: z.strictObject({
    rowMainContent: z.array(LeafComponent).min(1),
    rowAsideContent: z.array(LeafComponent).min(1),
  }),
});
export type ComponentRow = z.infer<typeof ComponentRow>;

/** Anything but a container may stand inside a container. */
export const ContainerContent = z.union([ComponentRow, ...LEAVES]);
export type ContainerContent = z.infer<typeof ContainerContent>;

export const ComponentContainer = z.strictObject({
  componentContainer: z.strictObject({
    containerContent: z.array(ContainerContent).min(1),
  }),
});
export type ComponentContainer = z.infer<typeof ComponentContainer>;

/** Any component, as allowed at the top level of a card. */
export const Component = z.union([ComponentContainer, ComponentRow, ...LEAVES]);
export type Component = z.infer<typeof Component>;

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

/**
 * One of several components, chosen by its one key (`{ componentText: … }`): only the schema that
 * key names is tried. A plain union would try each option in turn and build the issues of every
 * option that does not match, costlier per valid card (docs/performance.md), and reported a bad
 * component only as "Invalid input" at its position. Here
 * the problem is reported at its own path: `…componentText.text: Too small: expected …`.
 */
function oneOf<const T extends readonly z.ZodObject[]>(options: T) {
  const byKey = new Map<string, z.ZodObject>(options.map((option) => [Object.keys(option.shape)[0]!, option]));
  const expected = [...byKey.keys()].join(', ');
  return z.custom<z.output<T[number]>>().check((ctx) => {
    const keys = isRecord(ctx.value) ? Object.keys(ctx.value) : [];
    const option = keys.length === 1 ? byKey.get(keys[0]!) : undefined;
    if (!option) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `expected an object with exactly one of ${expected}, received ${describe(ctx.value, keys)}` });
      return;
    }
    const result = option.safeParse(ctx.value);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.issues.push({ code: 'custom', input: ctx.value, path: issue.path, message: issue.message });
    }
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown, keys: string[]): string {
  if (isRecord(value)) return keys.length === 0 ? 'an empty object' : `an object with ${keys.map((key) => JSON.stringify(key)).join(', ')}`;
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

const LEAVES = [
  ComponentText,
  ComponentPlainText,
  ComponentBadge,
  ComponentSpacer,
  ComponentDivider,
  ComponentLinkButton,
  ComponentCopyButton,
  ComponentWorkflowButton,
] as const;

type Choice = <const T extends readonly z.ZodObject[]>(options: T) => z.ZodType<z.output<T[number]>>;

/**
 * The nesting rules, written once for both ways of choosing among components: a row holds leaves, a
 * container holds leaves and rows, a card holds anything.
 */
function nesting(choice: Choice) {
  const leaf = choice(LEAVES);
  const row = z.strictObject({
    componentRow: z.strictObject({
      rowMainContent: z.array(leaf).min(1),
      rowAsideContent: z.array(leaf).min(1),
    }),
  });
  const content = choice([...LEAVES, row]);
  const container = z.strictObject({
    componentContainer: z.strictObject({
      containerContent: z.array(content).min(1),
    }),
  });
  const component = choice([...LEAVES, row, container]);
  return { leaf, row, content, container, component };
}

const perKey = nesting(oneOf);

/** Components that hold no other component: the only ones allowed inside a row. */
export const LeafComponent = perKey.leaf;
export type LeafComponent = z.infer<typeof LeafComponent>;

export const ComponentRow = perKey.row;
export type ComponentRow = z.infer<typeof ComponentRow>;

/** Anything but a container may stand inside a container. */
export const ContainerContent = perKey.content;
export type ContainerContent = z.infer<typeof ContainerContent>;

export const ComponentContainer = perKey.container;
export type ComponentContainer = z.infer<typeof ComponentContainer>;

/** Any component, as allowed at the top level of a card. */
export const Component = perKey.component;
export type Component = z.infer<typeof Component>;

/**
 * The same components chosen by a plain `z.union`, for `z.compile`: zod's compiler turns a union of
 * strict objects into one generated function, which checks a valid card several times faster than
 * `Component` (docs/performance.md), whose per-key choice is a callback it cannot see into. A union reports a bad component only as "Invalid input", so it is used to accept, and
 * `Component` to explain a rejection (src/plain/cards-response.ts). Both accept the same values
 * (test/plain-schema.test.ts).
 */
export const ComponentAsUnion = nesting((options) => z.union(options)).component;

// Plain's response schema: every example of Plain's accepted, invalid variants refused, checkCard equal to the schema.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Card, CardsResponse, checkCard } from '../src/plain/cards-response.ts';
import { Component, ComponentAsUnion } from '../src/plain/components.ts';
import { plainExamples } from './support/fixtures.ts';

const examples = plainExamples();

describe("Plain's example card responses", () => {
  it('are all present', () => {
    expect(examples.map((e) => e.name)).toEqual(['component-library.json', 'last-order.json', 'sentry.json', 'subscription-status.json', 'usage.json']);
  });

  it.each(examples)('$name passes the response schema', ({ body }) => {
    const result = CardsResponse.safeParse(body);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });
});

/** Mutations of a valid example that Plain would reject. Each returns a new body. */
type Cards = { cards: Array<{ key: string; timeToLiveSeconds?: unknown; components: unknown[] | null }> };
const invalidVariants: Array<[string, (body: Cards) => void]> = [
  ['a card key with a space', (b) => (b.cards[0]!.key = 'last order')],
  ['a TTL below 15 s', (b) => (b.cards[0]!.timeToLiveSeconds = 5)],
  ['a TTL above one year', (b) => (b.cards[0]!.timeToLiveSeconds = 31_536_001)],
  ['a fractional TTL', (b) => (b.cards[0]!.timeToLiveSeconds = 60.5)],
  ['components missing', (b) => delete (b.cards[0] as Partial<Cards['cards'][0]>).components],
  ['an unknown component', (b) => b.cards[0]!.components!.push({ componentChart: { chartData: [] } })],
  ['a component with two type keys', (b) => b.cards[0]!.components!.push({ componentText: { text: 'a' }, componentBadge: { badgeLabel: 'b' } })],
  ['an empty text', (b) => b.cards[0]!.components!.push({ componentText: { text: '' } })],
  ['a text over 5000 characters', (b) => b.cards[0]!.components!.push({ componentText: { text: 'x'.repeat(5001) } })],
  ['an unknown text colour', (b) => b.cards[0]!.components!.push({ componentText: { text: 'a', textColor: 'PINK' } })],
  ['an unknown badge colour', (b) => b.cards[0]!.components!.push({ componentBadge: { badgeLabel: 'a', badgeColor: 'ORANGE' } })],
  ['a badge label over 500 characters', (b) => b.cards[0]!.components!.push({ componentBadge: { badgeLabel: 'x'.repeat(501) } })],
  ['a spacer without size', (b) => b.cards[0]!.components!.push({ componentSpacer: {} })],
  ['a link button with a relative URL', (b) => b.cards[0]!.components!.push({ componentLinkButton: { linkButtonLabel: 'a', linkButtonUrl: '/orders/1' } })],
  ['a link button with a javascript: URL', (b) => b.cards[0]!.components!.push({ componentLinkButton: { linkButtonLabel: 'a', linkButtonUrl: 'javascript:alert(1)' } })],
  ['a copy value over 1000 characters', (b) => b.cards[0]!.components!.push({ componentCopyButton: { copyButtonValue: 'x'.repeat(1001) } })],
  ['a workflow button without workflow id', (b) => b.cards[0]!.components!.push({ componentWorkflowButton: { workflowButtonLabel: 'Run', workflowButtonWorkflowIdentifier: {} } })],
  ['a row with empty aside', (b) => b.cards[0]!.components!.push({ componentRow: { rowMainContent: [{ componentText: { text: 'a' } }], rowAsideContent: [] } })],
  ['a row inside a row', (b) => {
    const leaf = { componentText: { text: 'a' } };
    b.cards[0]!.components!.push({ componentRow: { rowMainContent: [{ componentRow: { rowMainContent: [leaf], rowAsideContent: [leaf] } }], rowAsideContent: [leaf] } });
  }],
  ['a container inside a container', (b) => b.cards[0]!.components!.push({ componentContainer: { containerContent: [{ componentContainer: { containerContent: [{ componentText: { text: 'a' } }] } }] } })],
  ['a container inside a row', (b) => b.cards[0]!.components!.push({ componentRow: { rowMainContent: [{ componentContainer: { containerContent: [{ componentText: { text: 'a' } }] } }], rowAsideContent: [{ componentText: { text: 'a' } }] } })],
  ['an empty container', (b) => b.cards[0]!.components!.push({ componentContainer: { containerContent: [] } })],
  ['a date-time component (undocumented for cards)', (b) => b.cards[0]!.components!.push({ componentDateTime: { dateTimeIso8601: '2026-01-01T00:00:00Z' } })],
];

describe('invalid variants of the examples', () => {
  for (const example of examples) {
    it.each(invalidVariants)(`${example.name} with %s fails the response schema`, (_name, mutate) => {
      const body = structuredClone(example.body) as Cards;
      mutate(body);
      expect(CardsResponse.safeParse(body).success).toBe(false);
    });
  }
});

describe('the component schema', () => {
  it('accepts the deepest nesting Plain allows: container → row → leaf', () => {
    const leaf = { componentBadge: { badgeLabel: 'Paid', badgeColor: 'GREEN' } };
    expect(Component.safeParse({ componentContainer: { containerContent: [{ componentRow: { rowMainContent: [leaf], rowAsideContent: [leaf] } }] } }).success).toBe(true);
  });

  it('accepts every documented component with only its required fields', () => {
    const minimal = [
      { componentText: { text: 'a' } },
      { componentPlainText: { plainText: 'a' } },
      { componentBadge: { badgeLabel: 'a' } },
      { componentSpacer: { spacerSize: 'XS' } },
      { componentDivider: {} },
      { componentLinkButton: { linkButtonLabel: 'a', linkButtonUrl: 'https://example.com' } },
      { componentCopyButton: { copyButtonValue: 'a' } },
      { componentWorkflowButton: { workflowButtonLabel: 'a', workflowButtonWorkflowIdentifier: { workflowId: 'wf_1' } } },
      { componentRow: { rowMainContent: [{ componentText: { text: 'a' } }], rowAsideContent: [{ componentText: { text: 'b' } }] } },
      { componentContainer: { containerContent: [{ componentText: { text: 'a' } }] } },
    ];
    expect(minimal.filter((c) => !Component.safeParse(c).success)).toEqual([]);
  });

  it('accepts null for optional enums and for components (a card with no data)', () => {
    expect(Component.safeParse({ componentText: { text: 'a', textSize: null, textColor: null } }).success).toBe(true);
    expect(CardsResponse.safeParse({ cards: [{ key: 'k', timeToLiveSeconds: null, components: null }] }).success).toBe(true);
  });
});

describe('checkCard: the compiled check the pipeline runs on every card', () => {
  const cardsOf = (body: unknown) => (body as Cards).cards as Card[];

  it('compiles whole: no part of the union form falls back to zod at run time', () => {
    expect(() => z.compile(ComponentAsUnion, { strict: true })).not.toThrow();
  });

  it.each(examples)("accepts every card of $name, returning the card itself, not a copy", ({ body }) => {
    for (const card of cardsOf(body)) {
      const checked = checkCard(card);
      expect(checked.success).toBe(true);
      expect(checked.data).toBe(card);
    }
  });

  for (const example of examples) {
    it.each(invalidVariants)(`rejects ${example.name} with %s, with Card's issues`, (_name, mutate) => {
      const body = structuredClone(example.body) as Cards;
      mutate(body);
      const rejected = cardsOf(body).map((card) => checkCard(card)).filter((checked) => !checked.success);
      expect(rejected.length).toBeGreaterThan(0);
      for (const checked of rejected) expect(checked.error?.issues.length).toBeGreaterThan(0);
    });
  }

  it('accepts exactly what Card accepts, over generated component trees valid and not', () => {
    const text = fc.oneof(fc.constantFrom('a', 'Paid', 'x'.repeat(500), 'x'.repeat(501), 'x'.repeat(5001), ''), fc.string());
    const url = fc.constantFrom('https://example.com/a', 'mailto:a@b.co', 'http://x', '/relative', 'javascript:alert(1)', 'not a url', '');
    const maybe = <T,>(value: fc.Arbitrary<T>) => fc.option(fc.oneof(value, fc.constant(null)), { nil: undefined });
    const enumOf = (...values: string[]) => fc.constantFrom(...values, 'PINK', '');
    const leaf = fc.oneof(
      fc.record({ componentText: fc.record({ text, textSize: maybe(enumOf('S', 'M', 'L')), textColor: maybe(enumOf('NORMAL', 'MUTED', 'ERROR')) }, { requiredKeys: [] }) }),
      fc.record({ componentPlainText: fc.record({ plainText: text, plainTextSize: maybe(enumOf('S', 'L')) }, { requiredKeys: [] }) }),
      fc.record({ componentBadge: fc.record({ badgeLabel: text, badgeColor: maybe(enumOf('GREY', 'GREEN', 'BLUE')) }, { requiredKeys: [] }) }),
      fc.record({ componentSpacer: fc.record({ spacerSize: enumOf('XS', 'XL') }, { requiredKeys: [] }) }),
      fc.record({ componentDivider: fc.record({ dividerSpacingSize: maybe(enumOf('S', 'M')) }, { requiredKeys: [] }) }),
      fc.record({ componentLinkButton: fc.record({ linkButtonLabel: text, linkButtonUrl: url }, { requiredKeys: [] }) }),
      fc.record({ componentCopyButton: fc.record({ copyButtonValue: text, copyButtonTooltipLabel: maybe(text) }, { requiredKeys: [] }) }),
      fc.record({ componentWorkflowButton: fc.record({ workflowButtonLabel: text, workflowButtonWorkflowIdentifier: fc.record({ workflowId: text }, { requiredKeys: [] }) }, { requiredKeys: [] }) }),
      fc.record({ componentText: fc.record({ text, size: fc.constant('S') }) }),
      fc.constantFrom({}, null, 'text', [], { componentChart: {} }, { componentText: { text: 'a' }, componentBadge: { badgeLabel: 'b' } }),
    );
    const { component } = fc.letrec((tie) => ({
      component: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, leaf, tie('row'), tie('container')),
      row: fc.record({ componentRow: fc.record({ rowMainContent: fc.array(tie('component'), { maxLength: 2 }), rowAsideContent: fc.array(tie('component'), { maxLength: 2 }) }) }),
      container: fc.record({ componentContainer: fc.record({ containerContent: fc.array(tie('component'), { maxLength: 3 }) }) }),
    }));
    const card = fc.record({
      key: fc.constantFrom('usage', 'last order', ''),
      timeToLiveSeconds: fc.constantFrom(null, 15, 60, 14, 60.5),
      components: fc.oneof(fc.constant(null), fc.array(component, { maxLength: 3 })),
    });
    let accepted = 0;
    fc.assert(
      fc.property(card, (value) => {
        const expected = Card.safeParse(value).success;
        expect(checkCard(value as Card).success).toBe(expected);
        if (expected) accepted += 1;
      }),
      { numRuns: 5_000 },
    );
    // The generator reaches both answers often, or the comparison would prove little.
    expect(accepted).toBeGreaterThan(250);
    expect(accepted).toBeLessThan(4_750);
  });
});

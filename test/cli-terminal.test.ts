// How `cardql render` draws cards in a terminal: every component type, colours, boxes, failures.
import { describe, expect, it } from 'vitest';
import { renderCards } from '../src/cli/terminal.ts';
import { badge, container, copyButton, divider, field, label, linkButton, row, spacer, text, workflowButton } from '../src/plain/builders.ts';
import { Card, CardsResponse } from '../src/plain/cards-response.ts';
import type { Component } from '../src/plain/components.ts';
import type { CardResult } from '../src/resolve/card-result.ts';
import { plainExamples } from './support/fixtures.ts';

function result(components: Component[] | null, overrides: Partial<CardResult> = {}): CardResult {
  const card = Card.parse({ key: 'demo', timeToLiveSeconds: 300, components });
  return { key: 'demo', outcome: components === null ? 'no-data' : 'ok', card, durationMs: 12.5, ...overrides };
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('cards drawn for a terminal', () => {
  it('draws every kind of component', () => {
    const components: Component[] = [
      text('**Plan** and _terms_ — see [docs](https://example.com/docs)', { size: 'L' }),
      field('Status', badge('Active', 'GREEN')),
      spacer('M'),
      divider('S'),
      container(row([label('External ID'), text('cus_42', { size: 'S' })], copyButton('cus_42', 'Copy external ID')), linkButton('View invoice', 'https://billing.example.com/1')),
      workflowButton('Refund', 'wf_123'),
    ];
    expect(renderCards([result(components)], { color: false, width: 60 })).toMatchInlineSnapshot(`
      "── demo ──────────────────────────────── TTL 300 s · 12.5 ms
        Plan and terms — see docs <https://example.com/docs>
        Status                                            [Active]

        ──────────────────────────────────────────────────────────
        ╭────────────────────────────────────────────────────────╮
        │ External ID                         ⧉ Copy external ID │
        │ cus_42                                                 │
        │ (View invoice ↗) https://billing.example.com/1         │
        ╰────────────────────────────────────────────────────────╯
        (Refund ⚙) wf_123
      "
    `);
  });

  it('paints badges and text colours only when asked', () => {
    const components: Component[] = [badge('Paid', 'GREEN'), badge('Past due', 'RED'), badge('Trial', 'BLUE'), badge('Pending', 'YELLOW'), badge('Other'), text('Careful', { color: 'WARNING' })];
    const coloured = renderCards([result(components)], { color: true, width: 60 });
    expect(coloured).toContain('\x1b[32m[Paid]\x1b[39m');
    expect(coloured).toContain('\x1b[31m[Past due]\x1b[39m');
    expect(coloured).toContain('\x1b[34m[Trial]\x1b[39m');
    expect(coloured).toContain('\x1b[33m[Pending]\x1b[39m');
    expect(coloured).toContain('\x1b[90m[Other]\x1b[39m');
    expect(coloured).toContain('\x1b[33mCareful\x1b[39m');
    expect(renderCards([result(components)], { color: false, width: 60 })).not.toContain('\x1b[');
  });

  it('says when a card has no data, and shows a failed card with its reference', () => {
    const drawn = renderCards(
      [result(null), result([text("This card couldn't be loaded. Reference: ab12cd34", { size: 'S', color: 'MUTED' })], { outcome: 'error', reference: 'ab12cd34' })],
      { color: false, width: 60 },
    );
    expect(drawn).toContain('  (no data: Plain does not display this card)');
    expect(drawn).toMatch(/^── demo ERROR \(reference ab12cd34\) ─+ TTL 300 s · 12\.5 ms$/m);
  });

  it("draws every card of Plain's own examples inside the width, container borders aligned", () => {
    for (const { name, body } of plainExamples()) {
      for (const card of CardsResponse.parse(body).cards) {
        const drawn = plain(renderCards([result(card.components)], { color: true, width: 72 }));
        const lines = drawn.trimEnd().split('\n');
        const boxed = lines.filter((line) => /^ {2}[│╭╰]/.test(line));
        for (const line of boxed) expect(line.length, `${name}: ${line}`).toBe(72);
        // Only unbreakable words (URLs) may overflow.
        for (const line of lines) if (!/\S{40,}/.test(line)) expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(72);
      }
    }
  });
});

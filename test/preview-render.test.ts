// The preview's rendering: Plain's components drawn as Plain draws them, markdown that cannot inject markup.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { badge, container, copyButton, divider, linkButton, plainText, row, spacer, text, workflowButton } from '../src/plain/builders.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import type { Component } from '../src/plain/components.ts';
import { escapeHtml, renderMarkdown } from '../src/preview/markdown.ts';
import { renderComponents } from '../src/preview/render-components.ts';
import { plainExamples } from './support/fixtures.ts';

describe('markdown in componentText', () => {
  it.each([
    ['bold with asterisks', 'a **b** c', 'a <strong>b</strong> c'],
    ['bold with underscores', '__b__', '<strong>b</strong>'],
    ['italic with an asterisk', 'a *b* c', 'a <em>b</em> c'],
    ['italic with an underscore', '_b_', '<em>b</em>'],
    ['bold inside a link', '[**Docs**](https://example.com/a?b=1&c=2)', '<a class="pc-link" href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer"><strong>Docs</strong></a>'],
    ['a mailto link', '[mail](mailto:a@b.co)', '<a class="pc-link" href="mailto:a@b.co" target="_blank" rel="noopener noreferrer">mail</a>'],
    ['italic inside bold', '**a *b* c**', '<strong>a <em>b</em> c</strong>'],
    ['a URL with parentheses', '[Foo](https://en.wikipedia.org/wiki/Foo_(bar))', '<a class="pc-link" href="https://en.wikipedia.org/wiki/Foo_(bar)" target="_blank" rel="noopener noreferrer">Foo</a>'],
    ['snake_case names, left alone', 'customer_id and plan_tier_name', 'customer_id and plan_tier_name'],
    ['a lone asterisk, left alone', '2 * 3 = 6', '2 * 3 = 6'],
    ['an unclosed bold, left alone', '**open', '**open'],
    ['a javascript: link, shown as its label', '[click](javascript:alert(1))', 'click'],
    ['a relative link, shown as its label', '[here](/admin)', 'here'],
    ['HTML, escaped', '<b onclick="x">&</b>', '&lt;b onclick=&quot;x&quot;&gt;&amp;&lt;/b&gt;'],
    ['HTML inside bold, escaped', "**<i>'</i>**", '<strong>&lt;i&gt;&#39;&lt;/i&gt;</strong>'],
    ['line breaks, kept', 'one\ntwo', 'one<br>two'],
  ])('renders %s', (_case, source, html) => {
    expect(renderMarkdown(source)).toBe(html);
  });

  it('never lets a string produce markup other than its own strong, em, a and br', () => {
    const alphabet = fc.constantFrom(...'ab <>&"\'*_[]()/:\n'.split(''), 'https://x.co', 'javascript:', 'onerror=');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')), (source) => {
        const html = renderMarkdown(source);
        const stripped = html.replace(/<\/?(strong|em)>|<br>|<a class="pc-link" href="[^"<>]*" target="_blank" rel="noopener noreferrer">|<\/a>/g, '');
        expect(stripped).not.toMatch(/[<>"]/);
        for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(https?|mailto):/);
      }),
    );
  });
});

describe('rendering components as Plain draws them', () => {
  it.each<[string, Component, string]>([
    ['text with its defaults', text('Hi'), '<div class="pc-text pc-size-M pc-color-NORMAL">Hi</div>'],
    ['small muted text', text('Hi', { size: 'S', color: 'MUTED' }), '<div class="pc-text pc-size-S pc-color-MUTED">Hi</div>'],
    ['plain text, markdown left literal', plainText('**x** <y>', { size: 'L', color: 'ERROR' }), '<div class="pc-plain-text pc-size-L pc-color-ERROR">**x** &lt;y&gt;</div>'],
    ['a badge', badge('Active', 'GREEN'), '<span class="pc-badge pc-badge-GREEN"><span class="pc-badge-dot"></span><span class="pc-badge-label">Active</span></span>'],
    ['a badge with no colour, grey', { componentBadge: { badgeLabel: 'x', badgeColor: null } }, '<span class="pc-badge pc-badge-GREY"><span class="pc-badge-dot"></span><span class="pc-badge-label">x</span></span>'],
    ['a spacer', spacer('XL'), '<div class="pc-spacer pc-spacing-XL"></div>'],
    ['a divider with no spacing, S', { componentDivider: {} }, '<div class="pc-divider pc-spacing-S"><hr></div>'],
    ['a divider', divider('L'), '<div class="pc-divider pc-spacing-L"><hr></div>'],
    [
      'a link button, opening in a new tab',
      linkButton('Open "it"', 'https://example.com/?a=1&b=2'),
      '<a class="pc-button pc-link-button" href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer"><span class="pc-button-label">Open &quot;it&quot;</span></a>',
    ],
    [
      'a link button whose URL is not http(s), without a link',
      { componentLinkButton: { linkButtonLabel: 'x', linkButtonUrl: 'javascript:alert(1)' } },
      '<span class="pc-button pc-link-button"><span class="pc-button-label">x</span></span>',
    ],
    ['a workflow button', workflowButton('Refund', 'wf_"1'), '<button type="button" class="pc-button pc-workflow-button" data-workflow-id="wf_&quot;1"><span class="pc-button-label">Refund</span></button>'],
  ])('renders %s', (_case, component, html) => {
    expect(renderComponents([component])).toBe(html);
  });

  it('renders a copy button as an icon whose tooltip defaults to the value', () => {
    const [withTooltip, withoutTooltip] = [copyButton('a"b', 'Copy <id>'), copyButton('v&1')].map((c) => renderComponents([c]));
    expect(withTooltip).toMatch(/^<button type="button" class="pc-copy-button" title="Copy &lt;id&gt;" aria-label="Copy &lt;id&gt;" data-copy-value="a&quot;b"><svg /);
    expect(withoutTooltip).toContain('title="v&amp;1"');
    expect(withoutTooltip).toContain('data-copy-value="v&amp;1"');
  });

  it('nests rows in containers, main content then aside', () => {
    const html = renderComponents([container(row([text('a'), text('b')], badge('c')), divider())]);
    expect(html).toBe(
      '<div class="pc-container">' +
        '<div class="pc-row"><div class="pc-row-main"><div class="pc-text pc-size-M pc-color-NORMAL">a</div><div class="pc-text pc-size-M pc-color-NORMAL">b</div></div>' +
        '<div class="pc-row-aside"><span class="pc-badge pc-badge-GREY"><span class="pc-badge-dot"></span><span class="pc-badge-label">c</span></span></div></div>' +
        '<div class="pc-divider pc-spacing-S"><hr></div>' +
        '</div>',
    );
  });

  it('stacks top-level components in order, with nothing between them', () => {
    expect(renderComponents([text('1'), spacer('S'), text('2')])).toBe(
      '<div class="pc-text pc-size-M pc-color-NORMAL">1</div><div class="pc-spacer pc-spacing-S"></div><div class="pc-text pc-size-M pc-color-NORMAL">2</div>',
    );
  });

  it('escapes every string it is given, whichever field it sits in', () => {
    const evil = '<script>alert(1)</script>"\'&';
    const html = renderComponents([
      plainText(evil),
      badge(evil),
      linkButton(evil, 'https://example.com/'),
      copyButton(evil, evil),
      workflowButton(evil, evil),
      container(row(plainText(evil), plainText(evil))),
    ]);
    expect(html).not.toContain('<script>');
    // 10 places: plain text, badge, link label, copy value, tooltip and aria-label, workflow label and id, both sides of the row.
    expect(html.split(escapeHtml(evil)).length - 1).toBe(10);
  });

  it.each(plainExamples().map(({ name, body }) => [name, body] as const))('draws one element per component of Plain’s example %s', (_name, body) => {
    for (const card of CardsResponse.parse(body).cards) {
      const html = renderComponents(card.components ?? []);
      expect(countElements(html)).toEqual(countComponents(card.components ?? []));
    }
  });
});

/** Component type → how many times it occurs, at any depth. */
function countComponents(components: readonly Component[]): Record<string, number> {
  const counts: Record<string, number> = {};
  const visit = (component: Record<string, unknown>) => {
    const [type, fields] = Object.entries(component)[0] as [string, Record<string, unknown>];
    counts[type] = (counts[type] ?? 0) + 1;
    for (const list of ['rowMainContent', 'rowAsideContent', 'containerContent']) for (const child of (fields[list] as Array<Record<string, unknown>>) ?? []) visit(child);
  };
  for (const component of components) visit(component as Record<string, unknown>);
  return counts;
}

const CLASS_OF: Record<string, string> = {
  componentText: 'pc-text',
  componentPlainText: 'pc-plain-text',
  componentBadge: 'pc-badge',
  componentSpacer: 'pc-spacer',
  componentDivider: 'pc-divider',
  componentLinkButton: 'pc-link-button',
  componentCopyButton: 'pc-copy-button',
  componentWorkflowButton: 'pc-workflow-button',
  componentRow: 'pc-row',
  componentContainer: 'pc-container',
};

/** Component type → how many elements carry its class in the HTML. */
function countElements(html: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [type, className] of Object.entries(CLASS_OF)) {
    const found = [...html.matchAll(/class="([^"]*)"/g)].filter(([, classes]) => classes!.split(' ').includes(className)).length;
    if (found > 0) counts[type] = found;
  }
  return counts;
}

// Plain's UI components to HTML, the way Plain draws them (spec section 6); the look lives in client/plain.css.
import type { Component, ContainerContent, LeafComponent } from '../plain/components.ts';
import { escapeHtml, isSafeUrl, renderMarkdown } from './markdown.ts';

/**
 * Renders a card's components as an HTML fragment. Pure, and safe for any input that passed Plain's
 * schema: every string from the data is escaped, and only `componentText` markdown becomes markup.
 * Class names carry the enum values (`pc-text pc-size-S pc-color-MUTED`) so that tests can read them.
 */
export function renderComponents(components: readonly Component[]): string {
  return components.map(renderComponent).join('');
}

function renderComponent(component: Component): string {
  if ('componentContainer' in component) {
    return `<div class="pc-container">${component.componentContainer.containerContent.map(renderContent).join('')}</div>`;
  }
  return renderContent(component);
}

function renderContent(component: ContainerContent): string {
  if ('componentRow' in component) {
    const { rowMainContent, rowAsideContent } = component.componentRow;
    return (
      `<div class="pc-row"><div class="pc-row-main">${rowMainContent.map(renderLeaf).join('')}</div>` +
      `<div class="pc-row-aside">${rowAsideContent.map(renderLeaf).join('')}</div></div>`
    );
  }
  return renderLeaf(component);
}

function renderLeaf(component: LeafComponent): string {
  if ('componentText' in component) {
    const { text, textSize, textColor } = component.componentText;
    return `<div class="pc-text pc-size-${textSize ?? 'M'} pc-color-${textColor ?? 'NORMAL'}">${renderMarkdown(text)}</div>`;
  }
  if ('componentPlainText' in component) {
    const { plainText, plainTextSize, plainTextColor } = component.componentPlainText;
    return `<div class="pc-plain-text pc-size-${plainTextSize ?? 'M'} pc-color-${plainTextColor ?? 'NORMAL'}">${escapeHtml(plainText)}</div>`;
  }
  if ('componentBadge' in component) {
    const { badgeLabel, badgeColor } = component.componentBadge;
    return `<span class="pc-badge pc-badge-${badgeColor ?? 'GREY'}"><span class="pc-badge-dot"></span><span class="pc-badge-label">${escapeHtml(badgeLabel)}</span></span>`;
  }
  if ('componentSpacer' in component) {
    return `<div class="pc-spacer pc-spacing-${component.componentSpacer.spacerSize}"></div>`;
  }
  if ('componentDivider' in component) {
    return `<div class="pc-divider pc-spacing-${component.componentDivider.dividerSpacingSize ?? 'S'}"><hr></div>`;
  }
  if ('componentLinkButton' in component) {
    const { linkButtonLabel, linkButtonUrl } = component.componentLinkButton;
    const label = `<span class="pc-button-label">${escapeHtml(linkButtonLabel)}</span>`;
    // Plain's schema already demands an absolute URL; the check here keeps the renderer safe on its own.
    if (!isSafeUrl(linkButtonUrl)) return `<span class="pc-button pc-link-button">${label}</span>`;
    return `<a class="pc-button pc-link-button" href="${escapeHtml(linkButtonUrl)}" target="_blank" rel="noopener noreferrer">${label}</a>`;
  }
  if ('componentCopyButton' in component) {
    const { copyButtonValue, copyButtonTooltipLabel } = component.componentCopyButton;
    const tooltip = escapeHtml(copyButtonTooltipLabel ?? copyButtonValue);
    return `<button type="button" class="pc-copy-button" title="${tooltip}" aria-label="${tooltip}" data-copy-value="${escapeHtml(copyButtonValue)}">${COPY_ICON}</button>`;
  }
  const { workflowButtonLabel, workflowButtonWorkflowIdentifier } = component.componentWorkflowButton;
  return (
    `<button type="button" class="pc-button pc-workflow-button" data-workflow-id="${escapeHtml(workflowButtonWorkflowIdentifier.workflowId)}">` +
    `<span class="pc-button-label">${escapeHtml(workflowButtonLabel)}</span></button>`
  );
}

// Inline SVG, so that the page needs no icon font or image from anywhere.
const COPY_ICON =
  '<svg class="pc-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><rect x="5.5" y="5.5" width="8" height="8" rx="1.5" fill="none" stroke="currentColor"/><path d="M10.5 3.5v-.5a1.5 1.5 0 0 0-1.5-1.5H4A1.5 1.5 0 0 0 2.5 3v5A1.5 1.5 0 0 0 4 9.5h.5" fill="none" stroke="currentColor"/></svg>';

/**
 * Fragments to HTML and back, for `cacheFragment`: what a render returns becomes the HTML
 * that is stored, and stored HTML becomes a fresh, inert `DocumentFragment`.
 */

/** What a fragment's render may return: a Node (an Element, Text, Comment or DocumentFragment) or an HTML string. */
export type FragmentContent = Node | string;

/** Elements carrying this attribute (with their subtrees) are shown but never stored. */
const SKIP_ATTRIBUTE = 'data-cache-skip';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const COMMENT_NODE = 8;
const DOCUMENT_FRAGMENT_NODE = 11;
const ACCEPTED_NODE_TYPES = [ELEMENT_NODE, TEXT_NODE, CDATA_SECTION_NODE, COMMENT_NODE, DOCUMENT_FRAGMENT_NODE];

/**
 * A fresh fragment of the page's document parsed from `html` in an inert document (a `<div>`
 * there, or a `<template>` for table parts): the parser marks its scripts as already
 * started, so they never run, not even once the fragment is inserted (unlike
 * `createContextualFragment`).
 * @example element.replaceChildren(parseFragment('<p>hi</p>'));
 */
export function parseFragment(html: string): DocumentFragment {
  // A <div> in an inert document parses about 3x faster in Chromium than a <template>
  // (bench/fragments.mjs), and nothing loads or runs there. Table parts (<tr>, <td>…)
  // need the <template>'s any-context parsing, which a <div> would strip.
  const holder = TABLE_PART.test(html) ? templateContent(html) : inertDiv(html);
  // Moved, not cloned: a clone's "already started" flag is only as safe as each DOM
  // implementation's cloning steps (happy-dom's copy runs the script on insertion).
  const fragment = document.createDocumentFragment();
  fragment.append(...Array.from(holder.childNodes));
  return fragment;
}

const TABLE_PART = /^\s*<(tr|td|th|tbody|thead|tfoot|col|colgroup|caption)[\s>/]/i;
let inert: Document | undefined;

function inertDiv(html: string): ParentNode {
  inert ??= document.implementation.createHTMLDocument('');
  const div = inert.createElement('div');
  div.innerHTML = html;
  return div;
}

function templateContent(html: string): ParentNode {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

/**
 * The HTML to store for `content`: a string parsed and serialized again, a Node serialized
 * from a copy (the caller's nodes are left as they are), a Text node as its escaped text.
 * Elements with `data-cache-skip` are left out, with their subtrees.
 * @example serializeFragment(p) // '<p>hi <b>there</b></p>'
 */
export function serializeFragment(content: FragmentContent): string {
  const template = document.createElement('template');
  const target = template.content;
  if (typeof content === 'string') {
    template.innerHTML = content;
  } else {
    // Imported into the template's inert document: no custom element constructor runs for the copy.
    const owner = target.ownerDocument ?? document;
    target.append(owner.importNode(content, true));
  }
  for (const skipped of target.querySelectorAll(`[${SKIP_ATTRIBUTE}]`)) skipped.remove();
  return template.innerHTML;
}

/**
 * `content` as a DocumentFragment holding the rendered nodes themselves (so listeners
 * attached by the render survive), or a string parsed.
 * @example const fragment = toFragment(button); // button moved into it
 */
export function toFragment(content: FragmentContent): DocumentFragment {
  if (typeof content === 'string') return parseFragment(content);
  const fragment = document.createDocumentFragment();
  if (content.nodeType === DOCUMENT_FRAGMENT_NODE) fragment.append(...Array.from(content.childNodes));
  else fragment.append(content);
  return fragment;
}

/** Whether `value` is something a render may return; checked by duck type, so nodes of another realm (an iframe) pass. */
export function isFragmentContent(value: unknown): value is FragmentContent {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null) return false;
  const nodeType = (value as { nodeType?: unknown }).nodeType;
  return typeof nodeType === 'number' && ACCEPTED_NODE_TYPES.includes(nodeType) && !isShadowRoot(value);
}

function isShadowRoot(value: object): boolean {
  return 'host' in value && 'mode' in value;
}

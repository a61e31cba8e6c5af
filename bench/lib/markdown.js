'use strict';

/**
 * Puts `block` (a Markdown section that starts with the line `heading`) into `text`: replaces the section with that
 * heading, else inserts it before "## Before/after", else appends it. Nothing else of the text changes.
 */
function spliceSection(text, heading, block) {
  const section = `${block.trim()}\n\n`;
  const at = text.indexOf(`\n${heading}\n`);
  if (at !== -1) {
    const next = text.indexOf('\n## ', at + heading.length + 1);
    return `${text.slice(0, at + 1)}${section}${next === -1 ? '' : text.slice(next + 1)}`;
  }
  const before = text.indexOf('\n## Before/after\n');
  if (before !== -1) return `${text.slice(0, before + 1)}${section}${text.slice(before + 1)}`;
  return `${text.trimEnd()}\n\n${section}`;
}

module.exports = { spliceSection };

import { describe, expect, it } from '@jest/globals';
import { escapeHtmlText, sanitizeHtml } from '#lib/domain/safe-html';

describe('sanitizeHtml', () => {
  it('keeps the allowed tags and an http(s) link as they are', () => {
    const html =
      '<p>Hello <strong>Anna</strong>,<br>here:</p><ul><li>one</li><li>two</li></ul>' +
      '<p><a href="https://acme.example/book?plan=pro&amp;ref=x">Book</a></p>';

    expect(sanitizeHtml(html)).toBe(html);
  });

  it('escapes a script tag, so its content shows as text and never runs', () => {
    expect(sanitizeHtml('<p>Hi</p><script>alert(document.cookie)</script>')).toBe(
      '<p>Hi</p>&lt;script&gt;alert(document.cookie)&lt;/script&gt;',
    );
  });

  it.each([
    ['<SCRIPT SRC=//evil.example/x.js></SCRIPT>'],
    ['<img src=x onerror=alert(1)>'],
    ['<iframe src="https://evil.example"></iframe>'],
    ['<svg onload=alert(1)>'],
    ['<style>body{display:none}</style>'],
  ])('escapes the disallowed tag %s', (html) => {
    const clean = sanitizeHtml(html);

    expect(clean).not.toMatch(/<(?!\/?(p|ul|li|strong|br|a)\b)/i);
    expect(clean).toContain('&lt;');
  });

  it('drops on* and every other attribute of an allowed tag', () => {
    expect(
      sanitizeHtml('<p onclick="steal()" class="x" style="color:red">Hi</p><strong onmouseover=x()>!</strong>'),
    ).toBe('<p>Hi</p><strong>!</strong>');
  });

  it('keeps only the href of a link, and nothing else', () => {
    expect(sanitizeHtml('<a onclick="x()" href=\'http://acme.example\' target=_blank>Go</a>')).toBe(
      '<a href="http://acme.example">Go</a>',
    );
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java&#115;cript:alert(1)',
    '&#x6A;avascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/path',
    '/relative/path',
    'https://',
  ])('drops a link to %s and keeps its text', (href) => {
    const clean = sanitizeHtml(`<p><a href="${href}">click</a> here</p>`);

    expect(clean).toMatch(/^<p>.*click.*here<\/p>$/);
    expect(clean).not.toMatch(/<a\b/);
    expect(clean).not.toMatch(/javascript|vbscript/i);
  });

  it('closes tags left open and drops stray closing tags', () => {
    expect(sanitizeHtml('<p><strong>bold <a href="https://acme.example">link')).toBe(
      '<p><strong>bold <a href="https://acme.example">link</a></strong></p>',
    );
    expect(sanitizeHtml('</li>text</a></p>')).toBe('text');
  });

  it('escapes angle brackets and bare ampersands in text, keeping entities already escaped', () => {
    expect(sanitizeHtml('<p>a < b & c > d &amp; &#39;e&#39; "f"</p>')).toBe(
      '<p>a &lt; b &amp; c &gt; d &amp; &#39;e&#39; &quot;f&quot;</p>',
    );
  });

  it('escapes a comment and a tag broken across another', () => {
    expect(sanitizeHtml('<!-- x --><scr<script>ipt>alert(1)')).toBe(
      '&lt;!-- x --&gt;&lt;scr&lt;script&gt;ipt&gt;alert(1)',
    );
  });
});

describe('escapeHtmlText', () => {
  it('escapes markup but not an entity', () => {
    expect(escapeHtmlText('<b>&nbsp;&</b>')).toBe('&lt;b&gt;&nbsp;&amp;&lt;/b&gt;');
  });
});

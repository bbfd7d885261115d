import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import NotFound, { metadata } from './not-found';

describe('the 404 page', () => {
  const html = renderToStaticMarkup(<NotFound />);

  it('says the page was not found, in the page title and the heading', () => {
    expect(metadata.title).toBe('Page not found');
    expect(html).toMatch(/<h1[^>]*>Page not found<\/h1>/);
    expect(html).toContain('There is no page at this address.');
  });

  it('links to every section of the app', () => {
    const links = [...html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>.*?<span[^>]*>([^<]+)<\/span>/g)].map((m) => [m[1], m[2]]);
    expect(links).toEqual([
      ['/generator', 'Generator'],
      ['/validator', 'Validator'],
      ['/history', 'History'],
      ['/monitoring', 'Monitoring'],
      ['/catalog', 'Catalog'],
    ]);
  });
});

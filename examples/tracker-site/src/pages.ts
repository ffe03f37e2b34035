// The demo site's pages, rendered into one layout: every page carries the same two script tags.

/** A page: its title and the HTML of its main content. */
interface Page {
  readonly title: string;
  readonly body: string;
}

export const pages: Readonly<Record<string, Page>> = {
  "/": {
    title: "Home",
    body: `<p>We make the CRM your sales team will actually use.</p>
<p>Browse around: the pricing page is worth 20 points a day, a case study 10 once, a demo request
50. Ada is based in France, which is worth 20 more; she qualifies at 100.</p>`,
  },
  "/pricing": { title: "Pricing", body: "<p>Starter €29, Team €79, Enterprise on request.</p>" },
  "/cases/acme": {
    title: "Case study: Acme",
    body: "<p>How Acme doubled its pipeline in six months.</p>",
  },
  "/careers": { title: "Careers", body: "<p>We are hiring (this page scores nothing).</p>" },
  "/demo": {
    title: "Request a demo",
    body: `<form id="demo"><label>Work e-mail <input type="email" value="ada@example.com"></label>
<button type="submit">Request a demo</button></form>`,
  },
};

/** The layout: the queue stub and the demo panel (panel.js), then the snippet's tag. */
export function render(page: Page): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${page.title} — Example Co</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/style.css">
  <script src="/panel.js"></script>
  <!-- The snippet, served first-party: data-api is a path of this site. data-dev lets it run on localhost. -->
  <script async src="/crmkit.js" data-api="/c/hits" data-site="pk_local" data-exclude="/admin/*" data-dev></script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/pricing">Pricing</a> <a href="/cases/acme">Case study</a>
    <a href="/careers">Careers</a> <a href="/demo">Request a demo</a>
    <button type="button" id="login">Log in as Ada</button>
    <button type="button" id="reset">Forget me (demo only)</button></nav>
  <main><h1>${page.title}</h1>${page.body}</main>
  <aside id="score">…</aside>
</body>
</html>
`;
}

// stdcrawl serve: small touches to Datasette's pages (see stdcrawl/research/browse/).
document.addEventListener("DOMContentLoaded", () => {
  // Datasette 0.65 lists every column's description above a table's rows, a
  // screen and more for `articles`: fold the list away and show each
  // description as its column header's tooltip instead.
  for (const th of document.querySelectorAll("th[data-column-description]")) th.title = th.dataset.columnDescription;
  for (const dl of document.querySelectorAll("dl.column-descriptions")) {
    const details = document.createElement("details"), summary = document.createElement("summary");
    summary.textContent = "What the columns mean";
    dl.replaceWith(details);
    details.append(summary, dl);
  }
  // An article's image that cannot be loaded (offline, or gone from the
  // site) becomes a link to where it was, under its caption.
  for (const img of document.querySelectorAll(".stdcrawl-figure img")) {
    const missing = () => {
      const link = document.createElement("a");
      link.href = img.src;
      link.className = "stdcrawl-missing";
      link.textContent = "Image not available here: " + img.src;
      img.replaceWith(link);
    };
    if (img.complete && img.naturalWidth === 0) missing();
    else img.addEventListener("error", missing);
  }
});

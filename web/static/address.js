// The address bar follows the article the home page plays, so a reload or a copied link brings
// it back (the reload is an article's page), and back from there shows the page the address
// names. The home page changes the address; both it and an article's page watch it.

let shownPath = location.pathname;

/** Back from an article's address to the form: show the page that address names. */
export function watchAddress() {
  // A fragment link, like "Skip to content", also fires popstate but stays on the same path.
  window.addEventListener("popstate", () => {
    if (location.pathname !== shownPath) location.reload();
  });
}

/** Put the article's own page in the address bar; the form's data-page-base says where pages are. */
export function showArticleAddress(form, made) {
  // Our own path (not page_url, which may name another host when the API is elsewhere).
  const path = (form.dataset.pageBase || "/a/") + encodeURIComponent(made.id);
  if (location.pathname === path) return;
  try {
    history.pushState({ listenArticle: made.id }, "", path);
    shownPath = path;
  } catch (e) {
    /* a sandboxed frame may not change its address */
  }
}

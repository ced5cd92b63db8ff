/* Dash 4 renders dcc.RadioItems as native radio inputs wrapped in role="listbox"/role="option".
   That nests interactive controls and leaves the listbox unnamed (axe: nested-interactive,
   aria-input-field-name). The inputs are real radios inside a <fieldset> with a <legend>, so the
   right semantics are plain radios: drop the listbox/option roles whenever Dash renders them. */
(function () {
  function fix(root) {
    root.querySelectorAll('.dash-radioitems[role="listbox"]').forEach(function (group) {
      group.setAttribute('role', 'radiogroup');
      var legend = group.closest('fieldset') && group.closest('fieldset').querySelector('legend');
      if (legend) {
        if (!legend.id) { legend.id = group.id + '-legend'; }
        group.setAttribute('aria-labelledby', legend.id);
      }
    });
    /* Dash re-renders aria-selected on the label when the value changes (without the role): drop it too. */
    root.querySelectorAll('.dash-radioitems [role="option"], .dash-radioitems [aria-selected]').forEach(function (option) {
      option.removeAttribute('role');
      option.removeAttribute('aria-selected');
    });
  }
  /* The navigation link of the page being shown carries aria-current="page" (WCAG 2.4.8; the
     GOV.UK pattern), kept in step as Dash Pages changes the page without reloading. */
  /* A number box's hint and error message describe it (dcc.Input takes no aria-* props). */
  function describeInputs() {
    document.querySelectorAll('.control input.input').forEach(function (input) {
      var ids = [];
      var box = input.closest('.control');
      box.querySelectorAll('.hint[id], .error-message[id]').forEach(function (el) { ids.push(el.id); });
      var wanted = ids.join(' ');
      if (wanted && input.getAttribute('aria-describedby') !== wanted) { input.setAttribute('aria-describedby', wanted); }
    });
  }
  function markCurrent() {
    document.querySelectorAll('.site-nav a.nav-link').forEach(function (a) {
      if (new URL(a.href, window.location.href).pathname === window.location.pathname) {
        if (a.getAttribute('aria-current') !== 'page') { a.setAttribute('aria-current', 'page'); }
      } else if (a.hasAttribute('aria-current')) {
        a.removeAttribute('aria-current');
      }
    });
  }
  new MutationObserver(function () { fix(document); markCurrent(); describeInputs(); })
    .observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                        attributeFilter: ['role', 'aria-selected']});
  document.addEventListener('DOMContentLoaded', function () { fix(document); markCurrent(); });
  window.addEventListener('popstate', markCurrent);
})();

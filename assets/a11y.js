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
    root.querySelectorAll('.dash-radioitems [role="option"]').forEach(function (option) {
      option.removeAttribute('role');
      option.removeAttribute('aria-selected');
    });
  }
  new MutationObserver(function () { fix(document); })
    .observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                        attributeFilter: ['role', 'aria-selected']});
  document.addEventListener('DOMContentLoaded', function () { fix(document); });
})();

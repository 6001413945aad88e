// Optional: shows the reader's local time next to the UTC times. Every page is complete without it.
(function () {
  'use strict';
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || zone === 'UTC' || zone === 'Etc/UTC') return;
  var time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  var full = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  var nodes = document.querySelectorAll('time[datetime*="T"]');
  for (var i = 0; i < nodes.length; i++) {
    var d = new Date(nodes[i].getAttribute('datetime'));
    if (isNaN(d.getTime())) continue;
    var sameDay = d.getDate() === d.getUTCDate() && d.getMonth() === d.getUTCMonth();
    var s = document.createElement('span');
    s.className = 'local';
    s.textContent = ' (' + (sameDay ? time : full).format(d) + ')';
    nodes[i].insertAdjacentElement('afterend', s);
  }
})();

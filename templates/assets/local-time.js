// Optional: shows the reader's own time next to the times of the page, which are in the site's display zone
// (<html data-time-zone>), in the page's language and clock (<html lang>, data-hour-cycle). Every page is
// complete without it.
(function () {
  'use strict';
  var root = document.documentElement;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  var shown = root.getAttribute('data-time-zone') || 'UTC';
  var same = function (a, b) { return a === b || (/^(Etc\/)?UTC$/.test(a) && /^(Etc\/)?UTC$/.test(b)); };
  if (!zone || same(zone, shown)) return;
  var lang = root.lang || undefined;
  var cycle = root.getAttribute('data-hour-cycle') === 'h12' ? 'h12' : 'h23';
  var hour = cycle === 'h23' ? '2-digit' : 'numeric';
  var time, full, readerDay, pageDay;
  try {
    time = new Intl.DateTimeFormat(lang, { hour: hour, minute: '2-digit', hourCycle: cycle, timeZoneName: 'short' });
    full = new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', hour: hour, minute: '2-digit', hourCycle: cycle, timeZoneName: 'short' });
    readerDay = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    pageDay = new Intl.DateTimeFormat('en-CA', { timeZone: shown, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch (e) { return; }
  var nodes = document.querySelectorAll('time[datetime*="T"]');
  for (var i = 0; i < nodes.length; i++) {
    var d = new Date(nodes[i].getAttribute('datetime'));
    if (isNaN(d.getTime())) continue;
    var s = document.createElement('span');
    s.className = 'local';
    s.textContent = ' (' + (readerDay.format(d) === pageDay.format(d) ? time : full).format(d) + ')';
    nodes[i].insertAdjacentElement('afterend', s);
  }
})();

/**
 * The bundle's local time is the script's time zone (appsscript.json `timeZone`), as on Google, not the
 * host's: `new Date(2026, 9, 1)`, `getHours()`, `setDate()`, `toString()` and Date.parse of a text without
 * an offset all work in that zone inside the bundle's context. Only the context's own Date is changed.
 */
import vm from 'node:vm';
import { tzOffsetMinutes } from './dates';

/** Offsets are multiples of 15 min and change on 15-min UTC boundaries, so one lookup serves a bucket. */
const BUCKET_MS = 15 * 60_000;

/** Host helpers the context calls with numbers only. */
export function zoneHelpers(tz: string): {
  offset: (ms: number) => number;
  epochOfWall: (wallAsUtc: number) => number;
} {
  tzOffsetMinutes(0, tz); // throws Google's message for an unknown zone, once, up front
  const cache = new Map<number, number>();
  const offset = (ms: number): number => {
    const key = Math.floor(ms / BUCKET_MS);
    let off = cache.get(key);
    if (off === undefined) {
      off = tzOffsetMinutes(key * BUCKET_MS, tz);
      if (cache.size > 4096) cache.clear();
      cache.set(key, off);
    }
    return off;
  };
  // The instant the zone's wall clock shows `wallAsUtc` (a wall time written as if it were UTC).
  const epochOfWall = (wallAsUtc: number): number => {
    if (!Number.isFinite(wallAsUtc)) return NaN;
    const guess = wallAsUtc - offset(wallAsUtc) * 60_000;
    return wallAsUtc - offset(guess) * 60_000;
  };
  return { offset, epochOfWall };
}

/** Offset, "Z", or a zone name at the end: the text names its own instant. */
const ABSOLUTE = /(?:Z|[+-]\d{2}:?\d{2}|\b(?:GMT|UTC|UT)\b.*)$/i;
/** ISO date-only forms are UTC by the ECMAScript spec. */
const ISO_DATE_ONLY = /^[+-]?\d{4,6}(?:-\d{2}(?:-\d{2})?)?$/;

/**
 * Makes the context's Date work in `tz`. Call after any clock is installed (it patches the prototype and
 * wraps whatever Date constructor the context has).
 */
export function installScriptTimeZone(context: vm.Context, tz: string): void {
  const { offset, epochOfWall } = zoneHelpers(tz);
  // The host parses a text without an offset in the host's zone; re-read its wall clock in the script's.
  const parseLocal = (s: string): number => {
    const t = s.trim();
    const hostMs = Date.parse(t);
    if (Number.isNaN(hostMs) || ISO_DATE_ONLY.test(t) || ABSOLUTE.test(t)) return hostMs;
    return epochOfWall(hostMs - new Date(hostMs).getTimezoneOffset() * 60_000);
  };
  const install = vm.runInContext(
    `(function (tz, offset, epochOfWall, parseLocal) {
      var Outer = Date, P = Outer.prototype;
      var getTime = P.getTime, setTime = P.setTime, toLocaleString = P.toLocaleString,
        toLocaleDateString = P.toLocaleDateString, toLocaleTimeString = P.toLocaleTimeString;
      var U = { y: P.getUTCFullYear, mo: P.getUTCMonth, d: P.getUTCDate, h: P.getUTCHours, mi: P.getUTCMinutes,
        s: P.getUTCSeconds, ms: P.getUTCMilliseconds, wd: P.getUTCDay };
      var FIELDS = ['y', 'mo', 'd', 'h', 'mi', 's', 'ms'];
      function wall(date) {
        var t = getTime.call(date);
        if (t !== t) return null;
        return new Outer(t + offset(t) * 60000);
      }
      function getter(f) {
        return function () { var w = wall(this); return w === null ? NaN : U[f].call(w); };
      }
      function fieldsOf(w) { return FIELDS.map(function (f) { return U[f].call(w); }); }
      function setter(first, max) {
        return function () {
          var t = getTime.call(this);
          if (t !== t && first !== 0) return NaN;
          var f = fieldsOf(new Outer((t !== t ? 0 : t + offset(t) * 60000)));
          for (var i = 0; i < max && i < arguments.length; i++) f[first + i] = Number(arguments[i]);
          var w = Outer.UTC(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
          return setTime.call(this, epochOfWall(w));
        };
      }
      function pad(n, w) { var s = String(Math.abs(n)); while (s.length < (w || 2)) s = '0' + s; return s; }
      var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
      var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
      function dateText(w) {
        return DAYS[U.wd.call(w)] + ' ' + MONTHS[U.mo.call(w)] + ' ' + pad(U.d.call(w)) + ' ' + U.y.call(w);
      }
      function timeText(date, w) {
        var off = offset(getTime.call(date));
        return pad(U.h.call(w)) + ':' + pad(U.mi.call(w)) + ':' + pad(U.s.call(w)) + ' GMT' +
          (off < 0 ? '-' : '+') + pad(Math.floor(Math.abs(off) / 60)) + pad(Math.abs(off) % 60) + ' (' + tz + ')';
      }
      function zoned(fn) {
        return function (locales, options) {
          var o = Object.assign({}, options || {});
          if (o.timeZone === undefined) o.timeZone = tz;
          return fn.call(this, locales, o);
        };
      }
      var patch = {
        getFullYear: getter('y'), getMonth: getter('mo'), getDate: getter('d'), getDay: getter('wd'),
        getHours: getter('h'), getMinutes: getter('mi'), getSeconds: getter('s'),
        getTimezoneOffset: function () { var t = getTime.call(this); return t !== t ? NaN : -offset(t); },
        setFullYear: setter(0, 3), setMonth: setter(1, 2), setDate: setter(2, 1), setHours: setter(3, 4),
        setMinutes: setter(4, 3), setSeconds: setter(5, 2), setMilliseconds: setter(6, 1),
        toString: function () { var w = wall(this); return w === null ? 'Invalid Date' : dateText(w) + ' ' + timeText(this, w); },
        toDateString: function () { var w = wall(this); return w === null ? 'Invalid Date' : dateText(w); },
        toTimeString: function () { var w = wall(this); return w === null ? 'Invalid Date' : timeText(this, w); },
        toLocaleString: zoned(toLocaleString), toLocaleDateString: zoned(toLocaleDateString),
        toLocaleTimeString: zoned(toLocaleTimeString)
      };
      Object.keys(patch).forEach(function (k) {
        Object.defineProperty(P, k, { value: patch[k], writable: true, configurable: true, enumerable: false });
      });
      function ZonedDate(a, b, c, d, e, f, g) {
        var n = arguments.length;
        if (!(this instanceof ZonedDate)) return new Outer().toString();
        if (n === 0) return new Outer();
        if (n === 1) {
          if (a instanceof Outer) return new Outer(getTime.call(a));
          return new Outer(typeof a === 'string' ? parseLocal(a) : a);
        }
        return new Outer(epochOfWall(Outer.UTC(a, b, n > 2 ? c : 1, n > 3 ? d : 0, n > 4 ? e : 0, n > 5 ? f : 0, n > 6 ? g : 0)));
      }
      ZonedDate.prototype = P;
      ZonedDate.now = function () { return Outer.now(); };
      ZonedDate.parse = function (s) { return parseLocal(String(s)); };
      ZonedDate.UTC = Outer.UTC;
      Object.defineProperty(P, 'constructor', { value: ZonedDate, writable: true, configurable: true, enumerable: false });
      Object.defineProperty(globalThis, 'Date', { value: ZonedDate, writable: true, configurable: true, enumerable: false });
    })`,
    context,
  ) as (
    tz: string,
    offset: (ms: number) => number,
    epochOfWall: (w: number) => number,
    parseLocal: (s: string) => number,
  ) => void;
  install(tz, offset, epochOfWall, parseLocal);
}

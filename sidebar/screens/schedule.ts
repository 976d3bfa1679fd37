/** Schedule: push monthly on a chosen day and hour, optional nightly quantity sync, last/next run. */
import type { ScheduleView } from '../../src/api/jobs';
import { checkboxField, facts, numberField, selectField } from '../components/form';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import type { Screen, ScreenContext } from './types';

const hours = Array.from({ length: 24 }, (_, i) => ({
  value: String(i),
  label: `${String(i).padStart(2, '0')}:00`,
}));

function draw(container: HTMLElement, view: ScheduleView, ctx: ScreenContext): void {
  const s = view.schedule ?? view.suggested;
  const canManage = ctx.setup.session.canManage;
  const day = numberField('Day of the month', s.dayOfMonth, 1, 28, '1–28, so every month has it.');
  const hour = selectField('Hour', hours, String(s.hour), 'In the spreadsheet’s time zone.');
  const pullFirst = checkboxField('Pull the month before pushing', s.pullFirst);
  const nightly = selectField(
    'Nightly quantity sync',
    [{ value: '', label: 'Off' }, ...hours],
    s.nightlyHour === null ? '' : String(s.nightlyHour),
  );
  for (const f of [day, hour, pullFirst, nightly]) f.control.toggleAttribute('disabled', !canManage);
  const save = actionButton(
    view.active.monthly ? 'Save schedule' : 'Start schedule',
    async () => {
      try {
        const next = await call('saveSchedule', {
          dayOfMonth: Number(day.control.value),
          hour: Number(hour.control.value),
          pullFirst: pullFirst.control.checked,
          nightlyHour: nightly.control.value === '' ? null : Number(nightly.control.value),
        });
        ctx.notify.clearError();
        ctx.notify.toast('Schedule saved.');
        draw(container, next, ctx);
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { primary: true, disabled: !canManage, busyLabel: 'Saving…' },
  );
  const stop = actionButton(
    'Stop schedule',
    async () => {
      try {
        draw(container, await call('stopSchedule'), ctx);
        ctx.notify.toast('Schedule stopped.');
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { disabled: !canManage || (!view.active.monthly && !view.active.nightly), subtle: true },
  );
  // The schedule runs under its owner's account; another admin takes it over rather than adding a second one.
  const othersSchedule = view.owner !== null && !view.yours;
  const takeOver = actionButton(
    'Take over the schedule',
    async () => {
      try {
        draw(container, await call('takeOverSchedule'), ctx);
        ctx.notify.toast('The schedule now runs under your account.');
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { disabled: !canManage, subtle: true },
  );
  const last = view.lastRun;
  fill(
    container,
    h('h2', {}, 'Schedule'),
    facts([
      ['Monthly push', view.active.monthly ? 'On' : 'Off'],
      ['Nightly sync', view.active.nightly ? 'On' : 'Off'],
      ['Runs as', view.owner ?? '—'],
      ['Next run', view.nextRun ?? '—'],
      ['Last run', last ? `${view.lastRunAt ?? last.at} · ${last.month} · ${last.outcome}` : '—'],
    ]),
    last?.message ? h('p', { class: 'muted' }, last.message) : null,
    canManage ? null : h('p', { class: 'notice' }, 'Only the owner or an admin can change the schedule.'),
    day.element,
    hour.element,
    pullFirst.element,
    nightly.element,
    othersSchedule
      ? h(
          'p',
          { class: 'notice' },
          `Runs happen under ${view.owner}'s account. Take the schedule over to change it.`,
        )
      : null,
    h('div', { class: 'actions' }, othersSchedule ? takeOver : save, stop),
  );
}

export const scheduleScreen: Screen = {
  id: 'schedule',
  title: 'Schedule',
  summary: 'Push monthly on a chosen day and hour; see last and next run.',
  async render(container, ctx) {
    container.append(h('h2', {}, 'Schedule'), h('p', { class: 'muted' }, 'Loading…'));
    draw(container, await call('getSchedule'), ctx);
  },
};

/**
 * Import: a vendor's CSV export (uploaded, or pasted) into a billing month. BillGrid suggests a profile
 * (the remembered one whose header matches, else one guessed from the header); the person checks the
 * column mapping and formats, previews the first rows as they will land and every row that fails, then
 * imports. Each profile is its own integration: the import is followed by a pull of that integration.
 */
import { withProgress } from '../components/job';
import { facts, selectField } from '../components/form';
import { monthBar } from '../components/month-bar';
import { renderTable } from '../components/table';
import { actionButton, fill, h, uid } from '../dom';
import { call } from '../rpc';
import { monthLabel, selectedMonth } from '../state';
import type { Screen } from './types';
import type { ImportPreviewView } from '../../src/connectors/imports';
import { newUploadId, uploadFile, type FileRef } from '../upload';

type Profile = Record<string, unknown> & { columns?: Record<string, string> };

function textField(label: string, value: string, hint?: string) {
  const id = uid('t');
  const input = h('input', { type: 'text', id, value });
  return {
    control: input,
    element: h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      input,
      hint ? h('div', { class: 'hint' }, hint) : null,
    ),
  };
}

export const importScreen: Screen = {
  id: 'import',
  title: 'Import',
  summary: "Import a vendor's CSV export into a billing month, with a remembered profile per vendor.",
  async render(container, ctx) {
    const bar = await monthBar(() => undefined);
    const upload = h('input', {
      type: 'file',
      accept:
        '.csv,.txt,.tsv,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      id: uid('file'),
    });
    const paste = h('textarea', {
      rows: 4,
      id: uid('paste'),
      placeholder: 'Or paste the rows here, header first',
    });
    const form = h('div', { class: 'import-profile' });
    const result = h('div', { class: 'result', 'aria-live': 'polite' });
    const known = h('div', {});
    let file: FileRef | null = null;
    let profile: Profile | null = null;

    const showKnown = async () => {
      const list = await call('listImportProfiles');
      if (list.length === 0) {
        fill(known, h('p', { class: 'muted' }, 'No remembered profiles yet: the first import makes one.'));
        return;
      }
      const row = (p: (typeof list)[number]) => {
        const rename = actionButton(
          'Rename',
          async () => {
            const name = window.prompt(`New name for the ${p.name} profile`, p.name);
            if (name === null || name.trim() === '' || name.trim() === p.name) return;
            try {
              const r = await call('renameImportProfile', p.integration, name);
              ctx.notify.clearError();
              ctx.notify.toast(`${p.name} is now called ${r.name}.`);
              await showKnown();
            } catch (e) {
              ctx.notify.error((e as Error).message);
            }
          },
          { subtle: true, busyLabel: 'Renaming…' },
        );
        const remove = actionButton(
          'Delete',
          async () => {
            const ok = window.confirm(
              `Delete the ${p.name} profile and the files kept for it? Rows it brought into month tabs stay; the next pull of those months marks them “Removed at source”.`,
            );
            if (!ok) return;
            try {
              await call('deleteImportProfile', p.integration);
              ctx.notify.clearError();
              ctx.notify.toast(`The ${p.name} profile was deleted.`);
              await showKnown();
            } catch (e) {
              ctx.notify.error((e as Error).message);
            }
          },
          { subtle: true, disabled: !ctx.setup.session.canManage, busyLabel: 'Deleting…' },
        );
        return h(
          'li',
          { class: 'import-known', 'data-integration': p.integration },
          h('strong', {}, p.name),
          ' ',
          h('span', { class: 'muted' }, p.months.slice(0, 3).join(', ') || 'no file yet'),
          ' ',
          rename,
          remove,
        );
      };
      fill(known, h('h3', {}, 'Remembered profiles'), h('ul', { class: 'plain' }, ...list.map(row)));
    };

    const renderPreview = (p: ImportPreviewView) => {
      profile = (p.profile ?? null) as Profile | null;
      if (!profile) {
        fill(form);
        fill(result, h('p', { class: 'problems' }, p.fileError ?? 'The file cannot be read.'));
        return;
      }
      const current = profile;
      const columns = { ...(current.columns ?? {}) };
      const name = textField(
        'Vendor (profile name)',
        String(current.name ?? ''),
        'Each profile is its own integration.',
      );
      const pick = (label: string, options: string[], value: string, set: (v: string) => void) => {
        const f = selectField(
          label,
          options.map((o) => ({ value: o, label: o || '—' })),
          value,
        );
        f.control.addEventListener('change', () => set(f.control.value));
        return f.element;
      };
      const header = ['', ...p.header.filter((x) => x !== '')];
      const edited: Profile = { ...current, columns };
      fill(
        form,
        h(
          'h3',
          {},
          p.remembered ? `Remembered profile: ${String(current.name)}` : 'New profile (check the columns)',
        ),
        name.element,
        ...p.fields.map((f) =>
          pick(f.label, header, columns[f.field] ?? '', (v) => {
            if (v) columns[f.field] = v;
            else delete columns[f.field];
          }),
        ),
        pick(
          'Date format',
          p.options.dateFormats,
          String(current.dateFormat ?? ''),
          (v) => (edited.dateFormat = v),
        ),
        pick('Decimal mark', p.options.decimals, String(current.decimal ?? '.'), (v) => (edited.decimal = v)),
        pick('Signs', ['as-is', 'invert'], String(current.sign ?? 'as-is'), (v) => (edited.sign = v)),
        pick(
          'Currency when the file has none',
          ['', ...p.options.currencies],
          String(current.defaultCurrency ?? ''),
          (v) => (v ? (edited.defaultCurrency = v) : delete edited.defaultCurrency),
        ),
      );
      name.control.addEventListener('change', () => (edited.name = name.control.value));
      profile = edited;
      fill(
        result,
        p.fileError ? h('p', { class: 'problems' }, p.fileError) : null,
        facts([
          ['Rows', p.counts.rows],
          ['Will import', p.counts.ok],
          ['Will fail', p.counts.failed],
        ]),
        renderTable(
          [
            { label: 'Row', value: (r: (typeof p.sample)[number]) => r.row, align: 'right' },
            { label: 'Customer', value: (r) => r.customer },
            { label: 'SKU', value: (r) => r.sku },
            { label: 'Qty', value: (r) => r.quantity, align: 'right' },
            { label: 'Unit price', value: (r) => r.unitPrice, align: 'right' },
            { label: 'Total', value: (r) => `${r.total} ${r.currency}`, align: 'right' },
            { label: 'Period', value: (r) => `${r.periodStart} – ${r.periodEnd}` },
            { label: 'Type', value: (r) => r.chargeType },
          ],
          p.sample,
          { caption: 'First rows as they will land', empty: 'No row can be imported.' },
        ),
        p.failures.length
          ? h(
              'div',
              { class: 'problems' },
              h('h3', {}, 'Rows that will not be imported'),
              h('ul', {}, ...p.failures.map((f) => h('li', {}, f.message))),
            )
          : null,
        p.notes.length ? h('ul', { class: 'muted' }, ...p.notes.map((n) => h('li', {}, n))) : null,
      );
    };

    const preview = async (withProfile: boolean) => {
      if (!file) return ctx.notify.error('Choose a file or paste its rows first.');
      const m = selectedMonth() ?? bar.month;
      try {
        const p = await withProgress(result, 'Reading the file…', () =>
          call('previewFileImport', {
            file: file!,
            month: m,
            ...(withProfile && profile ? { profile } : {}),
          }),
        );
        ctx.notify.clearError();
        renderPreview(p);
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    };

    upload.addEventListener('change', () => {
      const f = upload.files?.[0];
      if (!f) return;
      const status = (text: string) => fill(result, h('p', { class: 'muted' }, text));
      uploadFile(f, status)
        .then((ref) => {
          file = ref;
          return preview(false);
        })
        .catch((e: unknown) => {
          file = null;
          fill(result);
          ctx.notify.error((e as Error).message);
        });
    });
    paste.addEventListener('change', () => {
      file = paste.value.trim() ? { name: 'Pasted rows', text: paste.value } : null;
      if (file) void preview(false);
    });

    // Google Drive: a dialog (Google's Picker needs more than the sidebar's 300 px) reads the picked file in
    // the person's browser and uploads it; the sidebar waits for the dialog's outcome, then previews.
    const drive = h('div', { class: 'field', 'data-drive': 'pending' });
    const waitForPick = async (id: string) => {
      const until = Date.now() + 15 * 60 * 1000;
      while (Date.now() < until) {
        await new Promise((r) => window.setTimeout(r, 1500));
        const outcome = await call('drivePickResult', id);
        if (!outcome) continue;
        if ('cancelled' in outcome) {
          fill(
            result,
            h('p', { class: 'muted' }, outcome.message ?? 'No file was picked from Google Drive.'),
          );
          return;
        }
        file = { name: outcome.name, upload: { id: outcome.uploadId, count: outcome.count, as: outcome.as } };
        await preview(false);
        return;
      }
      fill(result, h('p', { class: 'muted' }, 'The Google Drive dialog was left open too long: pick again.'));
    };
    const showDrive = async () => {
      const status = await call('drivePickerStatus');
      if (!status.configured) {
        drive.setAttribute('data-drive', 'not-configured');
        fill(drive, h('p', { class: 'hint' }, status.message ?? 'Picking from Google Drive is not set up.'));
        return;
      }
      drive.setAttribute('data-drive', 'ready');
      fill(
        drive,
        actionButton(
          'Pick from Google Drive',
          async () => {
            const id = newUploadId();
            try {
              await call('openDrivePicker', id);
              fill(result, h('p', { class: 'muted' }, 'Pick the file in the Google Drive dialog…'));
              await waitForPick(id);
              ctx.notify.clearError();
            } catch (e) {
              ctx.notify.error((e as Error).message);
            }
          },
          { busyLabel: 'Waiting for Google Drive…' },
        ),
      );
    };

    const fromTab = actionButton(
      'Import from the Import tab',
      async () => {
        file = { name: 'Import tab', tab: true };
        await preview(false);
      },
      { busyLabel: 'Reading the tab…' },
    );
    const again = actionButton('Preview again', () => preview(true), { busyLabel: 'Reading…' });
    const go = actionButton(
      'Import and pull',
      async () => {
        if (!file || !profile) return ctx.notify.error('Preview the file first.');
        const m = selectedMonth() ?? bar.month;
        try {
          const saved = await call('importFile', { file, month: m, profile });
          const pulled = await withProgress(result, `Pulling ${saved.name} for ${monthLabel(m)}…`, () =>
            call('pullBillingMonth', m, saved.integration),
          );
          bar.markPulled(m);
          ctx.notify.clearError();
          ctx.notify.toast(`${saved.counts.ok} rows of ${saved.name} imported into “${pulled.tab}”.`);
          fill(
            result,
            facts([
              ['Imported rows', saved.counts.ok],
              ['Failed rows', saved.counts.failed],
              ['Added', pulled.added],
              ['Updated', pulled.updated],
              ['Removed at source', pulled.removed],
            ]),
            pulled.problems.length
              ? h('ul', { class: 'problems' }, ...pulled.problems.map((x) => h('li', {}, x)))
              : null,
          );
          await showKnown();
        } catch (e) {
          ctx.notify.error((e as Error).message);
        }
      },
      { primary: true, busyLabel: 'Importing…' },
    );

    fill(
      container,
      h('h2', {}, 'Import'),
      h(
        'p',
        { class: 'muted' },
        'Re-importing a corrected file updates its rows, marks rows gone from it “Removed at source”, and adds new ones.',
      ),
      bar.element,
      h(
        'div',
        { class: 'field' },
        h('label', { for: upload.id }, 'File (.csv or .xlsx, up to 10 MB)'),
        upload,
      ),
      drive,
      h('div', { class: 'field' }, h('label', { for: paste.id }, 'Or paste'), paste),
      h(
        'div',
        { class: 'field' },
        h(
          'p',
          { class: 'hint' },
          'Or paste the export into a tab named “Import” (header first) and read it from there:',
        ),
        fromTab,
      ),
      form,
      h('div', { class: 'actions' }, again, go),
      result,
      known,
    );
    await Promise.all([showKnown(), showDrive()]);
  },
};

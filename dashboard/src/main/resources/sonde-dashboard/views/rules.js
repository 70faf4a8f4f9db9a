// Alert rules: the list for every viewer; create, edit and delete for an admin token. The
// gateway validates a rule and names the field it refuses; the message goes next to that field.
// A token without `admin` sees the list only (the gateway would refuse the changes anyway).
import { ApiError } from '../net/api.js';
import { el, formatNumber } from './format.js';

const NUMBERS = ['threshold', 'clearThreshold', 'forSeconds', 'afterSeconds'];
const THRESHOLD_ONLY = ['metric', 'op', 'threshold', 'clearThreshold', 'forSeconds'];

export class RulesView {
  /** @param {Object} elements body, empty, form, formTitle, formError, newButton, cancel, notice */
  constructor(elements, api, admin) {
    this.el = elements;
    this.api = api;
    this.admin = admin;
    this.rules = [];
    elements.newButton.hidden = !admin;
    elements.readOnly.hidden = admin;
    elements.newButton.addEventListener('click', () => this.edit(null));
    elements.cancel.addEventListener('click', () => this.closeForm());
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
    elements.form.elements.kind.addEventListener('change', () => this.showKind());
  }

  async load() {
    try {
      this.rules = await this.api.rules();
      this.el.notice.hidden = true;
    } catch (error) {
      this.el.notice.textContent = `Rules unavailable: ${error.message}`;
      this.el.notice.hidden = false;
      return;
    }
    this.rules.sort((a, b) => a.id.localeCompare(b.id));
    this.el.body.replaceChildren(...this.rules.map((rule) => this.row(rule)));
    this.el.empty.hidden = this.rules.length > 0;
  }

  row(rule) {
    const condition =
      rule.kind === 'absence'
        ? `no reading for ${rule.afterSeconds} s`
        : `${rule.metric} ${rule.op} ${formatNumber(rule.threshold)}` +
          (rule.clearThreshold !== undefined && rule.clearThreshold !== rule.threshold
            ? `, clears at ${formatNumber(rule.clearThreshold)}` : '') +
          (rule.forSeconds ? ` for ${rule.forSeconds} s` : '');
    const actions = this.admin
      ? el('td', { class: 'actions' },
          el('button', { type: 'button', onclick: () => this.edit(rule) }, 'Edit'),
          el('button', { type: 'button', class: 'danger', onclick: (e) => this.remove(rule, e.target) }, 'Delete'))
      : el('td', {});
    return el('tr', { dataset: { ruleId: rule.id } },
      el('td', {}, rule.id),
      el('td', {}, el('span', { class: 'severity', dataset: { severity: rule.severity } }, rule.severity)),
      el('td', {}, condition),
      el('td', {}, rule.devices ?? '*'),
      actions);
  }

  edit(rule) {
    const form = this.el.form;
    form.reset();
    this.clearErrors();
    this.el.formTitle.textContent = rule ? `Edit rule ${rule.id}` : 'New rule';
    form.elements.id.readOnly = Boolean(rule);
    if (rule) {
      for (const name of ['id', 'kind', 'metric', 'op', 'severity', 'devices', ...NUMBERS]) {
        const value = rule[name];
        if (value !== undefined && form.elements[name]) form.elements[name].value = String(value);
      }
      form.elements.kind.value = rule.kind ?? 'threshold';
    }
    this.showKind();
    form.hidden = false;
    form.elements[rule ? 'severity' : 'id'].focus();
  }

  showKind() {
    const absence = this.el.form.elements.kind.value === 'absence';
    this.el.form.querySelectorAll('[data-kind]').forEach((field) => {
      field.hidden = field.dataset.kind !== (absence ? 'absence' : 'threshold');
    });
  }

  closeForm() {
    this.el.form.hidden = true;
    this.clearErrors();
  }

  /** The rule the form describes: the fields of its kind that are filled in. */
  ruleFromForm() {
    const f = this.el.form.elements;
    const kind = f.kind.value;
    const rule = { id: f.id.value.trim(), severity: f.severity.value, devices: f.devices.value.trim() || '*' };
    if (kind === 'absence') {
      rule.kind = 'absence';
      if (f.afterSeconds.value !== '') rule.afterSeconds = Number(f.afterSeconds.value);
      return rule;
    }
    for (const name of THRESHOLD_ONLY) {
      const value = f[name].value.trim();
      if (value === '') continue;
      rule[name] = NUMBERS.includes(name) ? Number(value) : value;
    }
    return rule;
  }

  async save() {
    this.clearErrors();
    const rule = this.ruleFromForm();
    if (!rule.id) return this.showError('id', 'A rule needs an id.');
    try {
      await this.api.putRule(rule);
    } catch (error) {
      return this.showError(error instanceof ApiError ? error.field : null, error.message);
    }
    this.closeForm();
    await this.load();
  }

  async remove(rule, button) {
    // Two steps, without a blocking dialog: the first click asks, the second deletes.
    if (button.dataset.confirm !== 'true') {
      button.dataset.confirm = 'true';
      button.textContent = `Delete ${rule.id}?`;
      setTimeout(() => {
        button.dataset.confirm = 'false';
        button.textContent = 'Delete';
      }, 4000);
      return;
    }
    let problem = null;
    try {
      await this.api.deleteRule(rule.id);
    } catch (error) {
      problem = `Could not delete ${rule.id}: ${error.message}`;
    }
    await this.load();
    if (problem) {
      this.el.notice.textContent = problem;
      this.el.notice.hidden = false;
    }
  }

  showError(field, message) {
    const input = field ? this.el.form.elements[field] : null;
    const slot = input ? this.el.form.querySelector(`[data-error-for="${field}"]`) : null;
    if (input && slot) {
      input.setAttribute('aria-invalid', 'true');
      slot.textContent = message;
      slot.hidden = false;
      input.focus();
    } else {
      this.el.formError.textContent = message;
      this.el.formError.hidden = false;
    }
  }

  clearErrors() {
    this.el.form.querySelectorAll('[aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
    this.el.form.querySelectorAll('[data-error-for]').forEach((slot) => {
      slot.hidden = true;
      slot.textContent = '';
    });
    this.el.formError.hidden = true;
  }
}

// The decision form's schema-generated fields (src/schema-form.js): a stored value turned into the
// form's state (flattenValue, to prefill a draft being amended) is built back into the same value
// (buildValue, on submit), for nested, optional, enum, number, date and multiple-choice fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildValue, flattenValue } from '../src/schema-form.js';

const openapi = {
  components: {
    schemas: {
      Kind: { type: 'string', enum: ['legal_person', 'natural_person'] },
      Id: { type: 'object', required: ['kind', 'number'], properties: { kind: { type: 'string', enum: ['resident_id_card', 'passport'] }, number: { type: 'string' } } },
      Disclosure: {
        type: 'object',
        required: ['kind', 'types', 'amount'],
        properties: {
          kind: { $ref: '#/components/schemas/Kind' },
          types: { type: 'array', items: { type: 'string', enum: ['warning', 'fine'] } },
          amount: { type: 'number' },
          valid_until: { type: ['string', 'null'], format: 'date' },
          id_document: { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/Id' }] },
        },
      },
    },
  },
};
const schema = { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/Disclosure' }] };

function roundTrip(value) {
  const form = {};
  flattenValue(openapi, schema, 'x.disclosure', value, form);
  const errors = {};
  const built = buildValue(openapi, schema, 'x.disclosure', false, form, errors, 'disclosure');
  return { form, built, errors };
}

test('a stored disclosure prefills the form and is built back unchanged', () => {
  const value = { kind: 'legal_person', types: ['warning', 'fine'], amount: 0.5, valid_until: '2027-01-31', id_document: { kind: 'passport', number: 'E12345678' } };
  const { form, built, errors } = roundTrip(value);
  assert.equal(form['x.disclosure?'], true, 'the optional part is ticked');
  assert.equal(form['x.disclosure.amount'], '0.5', 'a number is edited as text');
  assert.equal(form['x.disclosure.id_document?'], true);
  assert.deepEqual(errors, {});
  assert.deepEqual(built, value);
});

test('absent optional parts stay unticked and are built back as null', () => {
  const value = { kind: 'natural_person', types: ['warning'], amount: 0, valid_until: null, id_document: null };
  const { form, built, errors } = roundTrip(value);
  assert.equal(form['x.disclosure.id_document?'], false);
  assert.equal('x.disclosure.valid_until' in form, false);
  assert.deepEqual(errors, {});
  assert.deepEqual(built, value);
  assert.deepEqual(roundTrip(null).built, null, 'no disclosure: the part stays unticked');
});

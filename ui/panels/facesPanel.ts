import { errorText, refreshError } from '../api';
import type { PanelContext, PanelModule } from '../context';
import { badge, busy, h, replace } from '../dom';
import { clock } from '../format';
import type { EnrollResult, Person, UnknownFace } from '../types';
import { empty, panel } from './panel';

/** The API takes bodies up to 16 MiB; base64 adds a third. */
const MAX_PHOTO_BYTES = 11 * 1024 * 1024;
const PEOPLE_MS = 30_000;
const UNKNOWN_MS = 15_000;
const UNKNOWN_SHOWN = 12;
/** Fetched: enough to find the crop of the events in the feed. */
const UNKNOWN_KEPT = 100;

/**
 * Faces: known and blacklisted people with thumbnails (`GET /api/v1/faces`), enroll from an uploaded
 * photo or from an unknown face the cameras saw (`POST /api/v1/faces` with the image as base64; the
 * crop comes from `GET /api/v1/faces/unknown/:id/crop.jpg`), move between lists
 * (`PATCH /api/v1/faces/:name`) and remove after a confirmation (`DELETE /api/v1/faces/:name`).
 */
export function facesPanel(ctx: PanelContext): PanelModule {
  const p = panel('faces-panel', 'Faces');
  const people = ctx.resource(() => ctx.api.get<{ people: Person[] }>('/api/v1/faces'), PEOPLE_MS);
  const unknown = ctx.resource(
    () => ctx.api.get<{ faces: UnknownFace[] }>(`/api/v1/faces/unknown?limit=${UNKNOWN_KEPT}`),
    UNKNOWN_MS,
  );
  ctx.unknownFaces = unknown;

  // --- enroll form -------------------------------------------------------------------------
  const name = h('input', {
    id: 'face-name',
    name: 'name',
    required: true,
    maxlength: 64,
    autocomplete: 'off',
    placeholder: 'e.g. Alex',
  });
  const list = h(
    'select',
    { id: 'face-list', name: 'list' },
    h('option', { value: 'known' }, 'Known'),
    h('option', { value: 'blacklist' }, 'Blacklist (raises an alarm)'),
  );
  const file = h('input', {
    id: 'face-image',
    name: 'image',
    type: 'file',
    accept: 'image/jpeg,image/png,image/webp',
  });
  const fileRow = h(
    'div',
    { class: 'field' },
    h('label', { for: 'face-image' }, 'Photo with the face'),
    file,
  );
  const sourceView = h('div', { id: 'enroll-source', class: 'enroll-source', hidden: true });
  const submit = h('button', { id: 'enroll-submit', type: 'submit' }, 'Enroll');
  const result = h('p', { id: 'enroll-result', class: 'result', role: 'status' });
  const form = h(
    'form',
    { id: 'enroll-form', class: 'enroll', novalidate: true, 'aria-labelledby': 'enroll-title' },
    h('h3', { id: 'enroll-title' }, 'Enroll a person'),
    h('div', { class: 'field' }, h('label', { for: 'face-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'face-list' }, 'List'), list),
    fileRow,
    sourceView,
    h('div', { class: 'actions' }, submit),
    result,
  );
  /** An unknown face chosen instead of a file. */
  let fromUnknown: UnknownFace | null = null;

  const chooseUnknown = (face: UnknownFace | null) => {
    fromUnknown = face;
    fileRow.hidden = face !== null;
    sourceView.hidden = face === null;
    if (!face) {
      sourceView.replaceChildren();
      return;
    }
    const back = h('button', { type: 'button', class: 'secondary small' }, 'Use a photo instead');
    back.addEventListener('click', () => chooseUnknown(null));
    replace(
      sourceView,
      h('img', {
        class: 'face',
        src: face.crop_url ?? '',
        alt: 'The unknown face to enroll',
        width: 64,
        height: 64,
      }),
      h('span', null, `Unknown face seen on ${face.camera ?? 'a camera'} at ${clock(face.seen_at)}`),
      back,
    );
    form.scrollIntoView({ block: 'nearest' });
    name.focus();
  };

  const say = (text: string, failed: boolean) => {
    result.textContent = text;
    result.classList.toggle('failed', failed);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      const person = name.value.trim();
      if (!person) {
        say('Enter the person’s name.', true);
        name.focus();
        return;
      }
      try {
        let enrolled: EnrollResult;
        if (fromUnknown) {
          // The face as the camera recognised it: its own descriptor, nothing found again.
          say('Enrolling…', false);
          enrolled = await ctx.api.send<EnrollResult>(
            'POST',
            `/api/v1/faces/unknown/${fromUnknown.id}/enroll`,
            {
              name: person,
              list: list.value,
            },
          );
        } else {
          const photo = file.files?.[0];
          if (!photo) {
            say('Choose a photo that shows the face clearly.', true);
            file.focus();
            return;
          }
          if (photo.size > MAX_PHOTO_BYTES) {
            say('That photo is larger than 11 MiB; choose a smaller one.', true);
            return;
          }
          const image = await dataUrl(photo);
          say('Enrolling… (finding the face can take a few seconds)', false);
          enrolled = await ctx.api.send<EnrollResult>('POST', '/api/v1/faces', {
            name: person,
            list: list.value,
            image,
          });
        }
        say(
          `${enrolled.created ? 'Enrolled' : 'Added a face to'} ${enrolled.person.name} (${listName(enrolled.person.list)}).`,
          false,
        );
        form.reset();
        chooseUnknown(null);
        await people.refresh();
      } catch (err) {
        say(errorText(err), true);
      }
    });
  });

  // --- people and unknown faces ----------------------------------------------------------------
  const peopleView = h('div', { id: 'people-view' });
  const unknownView = h('div', { id: 'unknown-view' });
  p.show(peopleView, form, unknownView);

  people.subscribe(({ data, error }) => {
    p.error(refreshError(error));
    if (!data) return;
    if (data.people.length === 0) {
      replace(
        peopleView,
        empty(
          'Nobody enrolled yet.',
          'Enroll people below so the cameras recognise them (or raise an alarm).',
        ),
      );
      return;
    }
    replace(peopleView, h('ul', { id: 'people', class: 'people' }, data.people.map(personItem)));
  });

  const personItem = (person: Person): HTMLElement => {
    const actions = h('div', { class: 'actions' });
    const item = h(
      'li',
      { class: 'person', 'data-person': person.name, 'data-list': person.list },
      h('img', {
        class: 'face',
        src: person.thumbnail_url,
        alt: `Face of ${person.name}`,
        width: 64,
        height: 64,
        loading: 'lazy',
      }),
      h(
        'div',
        null,
        h('strong', { class: 'person-name' }, person.name),
        ' ',
        badge(listName(person.list), person.list === 'blacklist' ? 'failed' : 'ok'),
        h(
          'div',
          { class: 'muted' },
          `${person.descriptors} face sample${person.descriptors === 1 ? '' : 's'}`,
        ),
        actions,
      ),
    );
    const showActions = () => {
      const other = person.list === 'blacklist' ? 'known' : 'blacklist';
      const move = h(
        'button',
        { type: 'button', class: 'secondary small' },
        other === 'blacklist' ? 'Mark blacklisted' : 'Mark known',
      );
      move.addEventListener('click', () =>
        busy(move, async () => {
          try {
            await ctx.api.send('PATCH', `/api/v1/faces/${encodeURIComponent(person.name)}`, { list: other });
            p.error(null);
            await people.refresh();
          } catch (err) {
            p.error(errorText(err));
          }
        }),
      );
      const remove = h('button', { type: 'button', class: 'danger small' }, 'Remove');
      remove.addEventListener('click', confirmRemove);
      replace(actions, move, remove);
    };
    const confirmRemove = () => {
      const yes = h('button', { type: 'button', class: 'danger small' }, `Yes, remove ${person.name}`);
      const no = h('button', { type: 'button', class: 'secondary small' }, 'Cancel');
      yes.addEventListener('click', () =>
        busy(yes, async () => {
          try {
            await ctx.api.send('DELETE', `/api/v1/faces/${encodeURIComponent(person.name)}`);
            p.error(null);
            await people.refresh();
          } catch (err) {
            p.error(errorText(err));
            showActions();
          }
        }),
      );
      no.addEventListener('click', showActions);
      replace(
        actions,
        h('span', { role: 'alert' }, `Remove ${person.name} and every face sample?`),
        ' ',
        yes,
        no,
      );
      no.focus();
    };
    showActions();
    return item;
  };

  unknown.subscribe(({ data }) => {
    if (!data) return;
    const faces = data.faces.filter((f) => f.crop_url).slice(0, UNKNOWN_SHOWN);
    if (faces.length === 0) {
      unknownView.replaceChildren();
      return;
    }
    replace(
      unknownView,
      h('h3', null, 'Recent unknown faces'),
      h(
        'ul',
        { class: 'unknown-faces' },
        faces.map((face) =>
          h(
            'li',
            { 'data-unknown-id': face.id },
            h('img', {
              class: 'face',
              src: face.crop_url ?? '',
              alt: `Unknown face on ${face.camera ?? 'a camera'}`,
              width: 64,
              height: 64,
              loading: 'lazy',
            }),
            h('span', { class: 'muted' }, `${face.camera ?? ''} ${clock(face.seen_at)}`),
            h(
              'button',
              { type: 'button', class: 'secondary small', onclick: () => chooseUnknown(face) },
              'Enroll…',
            ),
          ),
        ),
      ),
    );
  });

  ctx.enrollFromEvent = (eventId: string) => {
    void (async () => {
      await unknown.refresh();
      const face = unknown.data?.faces.find((f) => f.event_id === eventId && f.crop_url);
      if (face) chooseUnknown(face);
      else {
        say('No face crop was kept for that event (unknown faces are pruned after a while).', true);
        form.scrollIntoView({ block: 'nearest' });
      }
    })();
  };

  return {
    section: p.section,
    onEvent(event) {
      if (event.type === 'face_unknown') void unknown.refresh();
    },
    onResync() {
      void people.refresh();
      void unknown.refresh();
    },
  };
}

function listName(list: string): string {
  return list === 'blacklist' ? 'blacklist' : 'known';
}

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () =>
      reject(new Error(`could not read the photo (${reader.error?.message ?? 'unknown error'})`));
    reader.readAsDataURL(blob);
  });
}

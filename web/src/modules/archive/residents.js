// A resident row of GET /units/{id} names its person either flat (person_id, name, phone)
// or nested (person: {…}); these read both.

export function personId(r) {
  return r.person_id ?? r.person?.id ?? null
}

export function nameOf(r) {
  return r.name ?? r.person_name ?? r.person?.name ?? ''
}

export function phoneOf(r) {
  return r.phone ?? r.person?.phone ?? ''
}

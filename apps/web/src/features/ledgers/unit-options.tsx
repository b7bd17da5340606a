/** The active units as a unit picker's options, by name (the ledger page's and the phone form's pickers). */
export function UnitOptions({
  units,
}: {
  units: readonly { id: string; name: string; active: boolean }[] | undefined;
}) {
  return (
    <>
      {(units ?? [])
        .filter((unit) => unit.active)
        .map((unit) => (
          <option key={unit.id} value={unit.id}>
            {unit.name}
          </option>
        ))}
    </>
  );
}

/** Placeholder rows while a list loads. */
export function ListSkeleton() {
  return (
    <ul class="rows skeleton" aria-busy="true" aria-label="Loading">
      {[0, 1, 2, 3].map((i) => (
        <li key={i} class="row">
          <div class="skeleton-line" />
        </li>
      ))}
    </ul>
  );
}

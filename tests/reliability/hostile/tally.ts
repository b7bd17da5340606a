/** Counts every request of the corpus by category and by how it was answered, for the test output. */
export class Tally {
  private readonly counts = new Map<string, Map<string, number>>();

  record(category: string, status: number, answeredWith: string): void {
    const answers = this.counts.get(category) ?? new Map<string, number>();
    const key = `${status} ${answeredWith}`;
    answers.set(key, (answers.get(key) ?? 0) + 1);
    this.counts.set(category, answers);
  }

  sent(category?: string): number {
    const categories = category ? [this.counts.get(category)] : [...this.counts.values()];
    return categories.reduce((sum, answers) => sum + [...(answers?.values() ?? [])].reduce((a, b) => a + b, 0), 0);
  }

  /** category │ sent │ answered with (HTTP status, code/reason: count), most frequent first. */
  table(): string {
    const lines = ['category                         │  sent │ answered with'];
    lines.push('─'.repeat(33) + '┼' + '─'.repeat(7) + '┼' + '─'.repeat(60));
    for (const [category, answers] of this.counts) {
      const sorted = [...answers].sort((a, b) => b[1] - a[1]);
      sorted.forEach(([answer, count], i) => {
        const left =
          i === 0 ? `${category.padEnd(33)}│${String(this.sent(category)).padStart(6)} │` : `${''.padEnd(33)}│       │`;
        lines.push(`${left} ${String(count).padStart(5)} × ${answer}`);
      });
    }
    lines.push('─'.repeat(33) + '┼' + '─'.repeat(7) + '┼' + '─'.repeat(60));
    lines.push(`${'total'.padEnd(33)}│${String(this.sent()).padStart(6)} │`);
    return lines.join('\n');
  }
}

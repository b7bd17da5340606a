import { describe, expect, it } from 'vitest';
import { modelOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { GridController } from './grid-controller';
import type { ServerQuery } from './server-query';

const definition: LedgerDefinition = {
  key: 'open_probe',
  title: '打开探针',
  fields: [{ key: 'status', title: '状态', type: 'text' }],
};

/** A controller whose backend records every page read (its filter and whether it counted). */
function controllerWith(opening: Promise<{ orderBy: ServerQuery['orderBy']; filter: Record<string, unknown> } | null>) {
  const reads: { filter: unknown; counted: boolean }[] = [];
  const controller = new GridController({
    model: modelOf(definition),
    locale: 'zh-CN',
    periodDate: null,
    store: null,
    onChange: () => undefined,
    opening,
    backend: {
      async page(query, first, _offset, withTotal = true) {
        reads.push({ filter: query.filter, counted: withTotal && first === 0 });
        return { rows: [], total: withTotal ? 0 : null, hasNextPage: false };
      },
      save: async () => [],
    },
  });
  return { controller, rows: () => reads.filter((read) => !read.counted).map((read) => read.filter) };
}

describe('GridController.open: the first read in the view the grid opens with', () => {
  it('reads the rows once, in the opening view', async () => {
    const { controller, rows } = controllerWith(Promise.resolve({ orderBy: [], filter: { status: '办结' } }));
    await controller.open();
    expect(rows()).toEqual([{ status: { eq: '办结' } }]);
    controller.dispose();
  });

  it('reads from the top when there is no opening view, or its answer failed', async () => {
    for (const opening of [Promise.resolve(null), Promise.reject(new Error('offline'))]) {
      const { controller, rows } = controllerWith(opening);
      await controller.open();
      expect(rows()).toEqual([{}]);
      controller.dispose();
    }
  });

  it('leaves a read asked while the opening was awaited (a view picked) standing', async () => {
    let answer!: (value: { orderBy: ServerQuery['orderBy']; filter: Record<string, unknown> }) => void;
    const { controller, rows } = controllerWith(new Promise((resolve) => (answer = resolve)));
    const opened = controller.open();
    await controller.applyQuery({ orderBy: [], filter: { status: '受理' } });
    answer({ orderBy: [], filter: { status: '办结' } });
    await opened;
    expect(rows()).toEqual([{ status: { eq: '受理' } }]);
    controller.dispose();
  });
});

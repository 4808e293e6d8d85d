// Named forest errors. The name is the contract (see ../errors.ts); each message says what to do.
import { GlimpseError } from '../errors.ts';

export class DimensionMismatchError extends GlimpseError {
  constructor(got: number, expected: number, what = 'Vector') {
    super(
      'DimensionMismatchError',
      `${what} has ${got} dimensions but this forest holds ${expected}-d vectors. ` +
        'Embed with the same model the forest was built with, or rebuild the forest for the new model.',
    );
  }
}

export class NonFiniteVectorError extends GlimpseError {
  constructor(row: number, component: number, value: number) {
    super(
      'NonFiniteVectorError',
      `Vector ${row} has ${String(value)} at component ${component}. ` +
        'NaN/Infinity cannot be indexed or searched: check the embedding output and skip or re-embed that item.',
    );
  }
}

export class ZeroVectorError extends GlimpseError {
  constructor(row: number) {
    super('ZeroVectorError', `Vector ${row} is all zeros, so it has no direction for cosine search. Re-embed the item or leave it out.`);
  }
}

export class InvalidIdError extends GlimpseError {
  constructor(id: unknown) {
    super('InvalidIdError', `Id ${String(id)} is not valid: ids must be integers from 0 to 4294967294. Map your keys to such integers first.`);
  }
}

export class DuplicateIdError extends GlimpseError {
  constructor(id: number) {
    super('DuplicateIdError', `Id ${id} is already in the forest (or twice in this batch). Delete it first to replace its vector.`);
  }
}

export class UnknownIdError extends GlimpseError {
  constructor(ids: readonly number[]) {
    const shown = ids.slice(0, 5).join(', ') + (ids.length > 5 ? `, … (${ids.length} in all)` : '');
    super('UnknownIdError', `Cannot delete id ${shown}: not in the forest (never added or already deleted). Nothing was deleted; drop those ids and retry.`);
  }
}

export class InvalidArgumentError extends GlimpseError {
  constructor(message: string) {
    super('InvalidArgumentError', message);
  }
}

export class CorruptBlockError extends GlimpseError {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super('CorruptBlockError', `Forest block "${key}" is corrupted (${detail}). The stored index is damaged: delete it and rebuild the forest from the vectors.`);
  }
}

export class FormatVersionError extends GlimpseError {
  constructor(key: string, got: number, oldest: number, newest: number) {
    const reads = oldest === newest ? `version ${newest}` : `versions ${oldest} to ${newest}`;
    super('FormatVersionError', `Forest block "${key}" has format version ${got}; this build reads ${reads}. Rebuild the forest with this version.`);
  }
}

export class ForestNotFoundError extends GlimpseError {
  constructor() {
    super('ForestNotFoundError', 'No forest in this store. Build one with buildForest() (or createEmptyForest()) before opening it.');
  }
}

export class MemoryBudgetError extends GlimpseError {
  constructor(budget: number, needed: number) {
    super('MemoryBudgetError', `Memory budget of ${budget} bytes is below the ${needed} bytes this forest needs resident. Raise memoryBudgetBytes to at least ${needed}.`);
  }
}

export class ForestUpgradeError extends GlimpseError {
  constructor(version: number) {
    super('ForestUpgradeError', `This forest was written in format ${version}, older than this build reads for search (${version < 3 ? 'vectors inside the leaves' : 'int8 vectors and unrotated sketches'}). Upgrade it once with Forest.upgrade(store) (it rebuilds from its own stored vectors), then open it again.`);
  }
}

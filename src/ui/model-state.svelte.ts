// Model loading as the person sees it: per-file download progress, the backend that runs, and
// one clear error when a model is missing. Shared by the indexer and the settings page.
import { keywordOnlyReason, loadModels, type FileProgress, type RuntimeInfo } from '../bridge/bridge';
import { errorMessage } from './errors';
import { keywordOnlyNotice } from './keyword-only';

class ModelState {
  files: Record<string, FileProgress> = $state({});
  info: RuntimeInfo | undefined = $state();
  error = $state('');
  loading = $state(false);
  /** Why the last text search ran by keywords only (the models could not load); '' when it had them. */
  keywordOnly = $state('');
  private pending: Promise<RuntimeInfo> | undefined;

  /** Loads both models once (again after `reset`); concurrent callers share the load. */
  ensure(signal?: AbortSignal): Promise<RuntimeInfo> {
    this.pending ??= this.load(signal);
    return this.pending;
  }

  /** After a text search: asks the worker whether it ran without its vector side, and why. */
  async noteSearch(): Promise<void> {
    let reason;
    try {
      reason = await keywordOnlyReason();
    } catch {
      return; // the worker was restarted: nothing is known, the next search asks again
    }
    this.keywordOnly = reason ? keywordOnlyNotice(reason) : '';
  }

  /** Forget the loaded models (the settings changed). */
  reset(): void {
    this.pending = undefined;
    this.info = undefined;
    this.files = {};
    this.error = '';
  }

  private async load(signal?: AbortSignal): Promise<RuntimeInfo> {
    this.loading = true;
    this.error = '';
    try {
      this.info = await loadModels((p) => {
        this.files[`${p.model}/${p.file}`] = p.done ? { ...(this.files[`${p.model}/${p.file}`] ?? p), done: true } : p;
      }, signal);
      this.keywordOnly = ''; // the models load again: searches have their vector side back
      return this.info;
    } catch (e) {
      this.pending = undefined;
      this.error = errorMessage(e);
      throw e;
    } finally {
      this.loading = false;
    }
  }
}

export const models = new ModelState();

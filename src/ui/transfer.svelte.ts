// Export and import of the library file as the person drives them (Settings → Library, or a
// .glimpse file dropped on the app). Module state, so an import keeps going while the person
// moves between pages.
import { exportLibraryFile, importLibraryFile, originalsOnOffer, type ExportOutcome, type ExportProgress, type ImportPlan, type ImportProgress, type ImportResult } from '../bridge/bridge';
import { errorMessage, errorName, isAbort } from './errors';
import { library } from './library-state.svelte';
import { refresher } from './refresher.svelte';

class Transfer {
  exporting = $state(false);
  exportProgress: ExportProgress | undefined = $state();
  exported: ExportOutcome | undefined = $state();
  exportError = $state('');
  originals: { count: number; bytes: number } | undefined = $state();

  importing = $state(false);
  /** Imports started in this page: the outcome shown carries it, so a test tells one import's answer from the last one's. */
  importRuns = $state(0);
  importName = $state('');
  importProgress: ImportProgress | undefined = $state();
  imported: ImportResult | undefined = $state();
  importError = $state('');
  /** Waiting for the person: new photos were described by other models. */
  consent: ImportPlan | undefined = $state();
  private answer: ((agree: boolean) => void) | undefined;
  private exportControl: AbortController | undefined;
  private importControl: AbortController | undefined;

  async readOriginals(): Promise<void> {
    this.originals = await originalsOnOffer().catch(() => undefined);
  }

  /** Call straight from the click: the save picker needs it. */
  async export(originals: boolean): Promise<void> {
    if (this.exporting) return;
    this.exporting = true;
    this.exportError = '';
    this.exported = undefined;
    this.exportProgress = undefined;
    this.exportControl = new AbortController();
    try {
      this.exported = await exportLibraryFile({ originals }, (p) => (this.exportProgress = p), this.exportControl.signal);
    } catch (e) {
      if (!isAbort(e)) this.exportError = `The library could not be exported: ${errorMessage(e)} Nothing in your library was changed; try again.`;
    } finally {
      this.exporting = false;
    }
  }

  cancelExport(): void {
    this.exportControl?.abort();
  }

  async import(file: File): Promise<void> {
    if (this.importing) return;
    this.importing = true;
    this.importRuns++;
    this.importName = file.name;
    this.importError = '';
    this.imported = undefined;
    this.importProgress = undefined;
    this.importControl = new AbortController();
    try {
      const result = await importLibraryFile(file, (plan) => this.ask(plan), (p) => (this.importProgress = p), this.importControl.signal);
      this.imported = result;
      // The person agreed: photos of other models are re-analysed from their thumbnails.
      if (result.toReanalyse > 0) refresher.reindex();
    } catch (e) {
      const kept = 'Photos imported until then stay in your library; importing the file again adds the rest.';
      if (isAbort(e)) this.importError = `Import of ${file.name} cancelled. ${kept}`;
      else if (errorName(e) === 'QuotaExceededError') this.importError = `Import of ${file.name} stopped: this device's storage is full. ${kept} Free some space first.`;
      else if (errorName(e) === 'LibraryFileError') this.importError = errorMessage(e);
      else this.importError = `Import of ${file.name} stopped: ${errorMessage(e)} ${kept}`;
    } finally {
      this.consent = undefined;
      this.importing = false;
      await library.refresh().catch(() => {});
    }
  }

  private ask(plan: ImportPlan): Promise<boolean> {
    this.consent = plan;
    return new Promise((resolve) => (this.answer = resolve));
  }

  agree(yes: boolean): void {
    this.consent = undefined;
    this.answer?.(yes);
    this.answer = undefined;
  }

  cancelImport(): void {
    this.agree(false);
    this.importControl?.abort();
  }
}

export const transfer = new Transfer();

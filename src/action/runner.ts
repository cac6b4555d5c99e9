// What the action needs of the runner: log lines, annotations, outputs and the job summary. The real
// one (src/io/actions-runner.ts) goes through @actions/core; in-process tests record what was said.

export interface AnnotationProperties {
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  title?: string;
}

export interface Runner {
  info(message: string): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  notice(message: string, properties?: AnnotationProperties): void;
  debug(message: string): void;
  setOutput(name: string, value: string): void;
  /** Appends markdown to the job summary. */
  appendSummary(markdown: string): Promise<void>;
}

/** The runner's environment the action reads (GITHUB_* and RUNNER_* variables), as values. */
export interface RunnerEnvironment {
  /** `owner/repo`. */
  repository: string;
  serverUrl: string;
  runId?: number;
  /** RUNNER_TEMP: outputs may be written there as well as in the workspace. */
  runnerTemp?: string;
}

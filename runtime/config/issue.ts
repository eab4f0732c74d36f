/** One problem found in a configuration. Every problem gets its own issue. */
export interface ConfigIssue {
  /** Dotted path of the setting (`cameras.front.detect.fps`), or `file:line:col` for YAML syntax errors. */
  path: string;
  /** What is wrong and, where possible, what to write instead. */
  message: string;
  /** 1-based line in the YAML text the problem is at (or the nearest enclosing key that exists). */
  line?: number;
  /** 1-based column; set only for YAML syntax errors, whose `path` already names the location. */
  column?: number;
  /** Where the bad value came from when not the file: an env variable name, or `override`. */
  from?: string;
}

/** One flag in a command's help: the value it takes (if any) and what it does, in one line. */
export interface FlagHelp {
  value?: string;
  text: string;
}

/** The environment variables the CLI reads; each command's help names the ones it uses. */
export const ENVIRONMENT = {
  LOOM_BASE_URL: 'the model endpoint (OpenAI-compatible base URL) when --base-url is not given',
  LOOM_MODEL: 'the model name when --model is not given',
  LOOM_API_KEY: "the endpoint's API key (OPENAI_API_KEY is read too); keys come only from the environment",
  LOOM_HOME: 'where runs, journals and worktrees are kept (default ~/.loom)',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'export OpenTelemetry spans there when --otlp is not given (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT too)',
  LOOM_SANDBOX: '"none" turns the agents\' sandbox off on purpose (their commands then need approval)',
} as const;
export type EnvironmentVariable = keyof typeof ENVIRONMENT;

/** Everything `loom <command> --help` prints: one entry per command in commandHelp.ts. */
export interface CommandHelp {
  /** One line, for `loom --help`. */
  summary: string;
  /** `loom run --spec FILE …`, one form per line. */
  usage: readonly string[];
  description: string;
  /** Positional arguments, by the name the usage gives them. */
  arguments?: Readonly<Record<string, string>>;
  /** By flag name without the dashes. */
  flags: Readonly<Record<string, FlagHelp>>;
  /** Extra lines after the flags (the drills' list). */
  more?: readonly string[];
  /** One to three command lines. */
  examples: readonly string[];
  environment?: readonly EnvironmentVariable[];
}

export * from './agent-adapter';
export * from './agent-cli';
export * from './agent-kind';
export {
  accountEnv,
  type AgentAccount,
  type AuthCheckSettings,
  AuthPreflight,
  type AuthVerdict,
} from './auth-preflight';
export { type ClassifyInput, classifyOutcome, type OutcomeClassification } from './classify-outcome';
export { ClaudeCodeAdapter, type ClaudeCodeAdapterOptions, ClaudeCodeCli } from './claude-code.adapter';
export { CliAgentAdapter, type CliAgentAdapterOptions } from './cli-agent.adapter';
export { CodexCli } from './clis/codex.cli';
export { GeminiCli } from './clis/gemini.cli';
export { OpenCodeCli } from './clis/opencode.cli';
export { ERROR_SIGNATURES, type ErrorSignature, findErrorSignature } from './error-signatures';
export { MissingModelError } from './errors/missing-model.error';
export { UnexpressiblePermissionsError } from './errors/unexpressible-permissions.error';
export { UnsafePermissionModeError } from './errors/unsafe-permission-mode.error';
export { estimateCost, type ModelPrice } from './estimate-cost';
export { summarizeStreamText } from './output-capture';
export { parseResetInstant } from './parse-reset';
export { type AgentPermissions, NIGHTSHIFT_SETTINGS_ARGS, permissionArgs } from './permission-args';
export { DenialTracker, describeDenial, isDenialText } from './permission-denials';
export {
  groupAndDescendants,
  GroupCpuMeter,
  parseProcStat,
  parsePsTable,
  parsePsTime,
  type ProcessCpu,
  ProcessIndex,
  type ProcessTableReader,
  readProcessTable,
  readPsTable,
} from './process-cpu';
export { groupIsAlive, signalGroup, terminateGroup, waitForGroupGone } from './process-group';
export {
  groupMembers,
  groupsOfSession,
  isSameProcess,
  pidNamespace,
  processGroupOf,
  processSession,
  processStartTime,
  SESSION_ENV,
} from './process-identity';
export { type PermissionDenial, toPermissionDenials } from './result-denials';
export * from './sandbox';
export {
  assertPermissionModeAllowed,
  checkPermissionMode,
  EXTERNAL_SANDBOX_WARNING,
  type PermissionModeSettings,
  type PermissionModeVerdict,
  type SandboxMode,
} from './sandbox-policy';
export { describeSpawnError } from './spawn-error';
export { readStallLine, stallLogLine } from './stall-log-line';
export { StallMonitor, type StallMonitorOptions } from './stall-monitor';
export {
  type StallCause,
  stallCheckMs,
  type StallLimits,
  stallLimitsFromConfig,
  type StallVerdict,
  StallWatchdog,
} from './stall-watchdog';
export * from './stream-events';
export {
  ALWAYS_DISALLOWED_TOOLS,
  DEFAULT_ALLOWED_TOOLS,
  resolveToolPermissions,
  type ToolPermissionInput,
} from './tool-permission-policy';
export { type TranscriptKind, type TranscriptLine, transcriptLines } from './transcript-lines';
export { TranscriptTail } from './transcript-tail';
export { sumTranscriptUsage, transcriptPath } from './transcript-usage';

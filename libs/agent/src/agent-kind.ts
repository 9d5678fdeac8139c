export {
  AGENT_CREDENTIAL_ENV,
  AGENT_DEFAULT_COMMAND,
  AGENT_KINDS,
  type AgentKind,
  VENDOR_OF,
} from '@nightshift/domain';

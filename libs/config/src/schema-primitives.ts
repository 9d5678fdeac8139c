import { z } from 'zod';

/** Names of repos, hosts, capabilities and accounts: safe in paths, queue names and labels. */
export const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"');

/** The NAME of an environment variable: secrets are referenced, never written in the config. */
export const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the NAME of an environment variable (secrets never go in this file)');

import type { Setting } from '@thalweg/platform/config';

/** Reads one setting as the services do: its THALWEG_ variable, else its default. */
export type SettingReader = <T>(setting: Setting<T>) => T;

export function settingReader(env: NodeJS.ProcessEnv): SettingReader {
  return <T>(setting: Setting<T>): T => {
    const raw = env[setting.variable];
    return raw === undefined ? (setting.fallback as T) : setting.parse(raw);
  };
}

export interface LocalIntegrator {
  id: string;
  apiKey: string;
  origins: string[];
  returnUrls?: string[];
  webhookUrl?: string;
  webhookSecret?: string;
}
export interface AddOptions {
  id?: string;
  origins?: string[];
  returnUrls?: string[];
  webhookUrl?: string;
  webhookSecret?: string;
  apiKey?: string;
}
export const RESERVED_IDS: Set<string>;
export function checkOrigin(o: string): string | null;
export function readLocalIntegrators(file: string): LocalIntegrator[];
export function writeLocalIntegrators(file: string, list: LocalIntegrator[]): void;
export function addIntegrator(list: LocalIntegrator[], o: AddOptions): { list: LocalIntegrator[]; apiKey: string; entry: LocalIntegrator };
export function removeIntegrator(list: LocalIntegrator[], id: string): LocalIntegrator[];

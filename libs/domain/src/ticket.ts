/** A ticket as Nightshift sees it, whatever tracker it comes from. */
export interface Ticket {
  key: string;
  title: string;
  description: string;
  state: string;
  labels: string[];
  priority: number;
  createdAt: string;
  updatedAt: string;
  url: string;
  comments: TicketComment[];
}

export interface TicketComment {
  author: string;
  body: string;
  createdAt: string;
}

/** The workflow roles Nightshift moves a ticket through; each maps to a tracker state name in config. */
export type StateRole = 'inProgress' | 'inReview' | 'done' | 'needsHuman' | 'queue';

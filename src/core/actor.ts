/** Who acts: the API key behind the request, or a job. Recorded with every change. */
export interface Actor {
  id: string | null;
  name: string;
}

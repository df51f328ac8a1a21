// A portal developer's first typed calls, compiled against the client that
// openapi-typescript generates from openapi.yaml (`make test` does it with
// `tsc --strict`): a card application, a verification and an error branch. If
// the contract loses a type (a form becoming `Record<string, never>`, a field
// renamed), this file stops compiling.
import type { components, operations } from "./api";

type Body<Op extends keyof operations> = operations[Op] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;
type Ok<Op extends keyof operations, Status extends number> = operations[Op]["responses"] extends Record<
  Status,
  { content: { "application/json": infer R } }
>
  ? R
  : never;
type Problem = components["schemas"]["Problem"];

const api = "http://127.0.0.1:3000";

class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.title);
  }
}

async function call<T>(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(api + path, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    throw new ApiError((await res.json()) as Problem);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export async function login(email: string, password: string): Promise<Ok<"login", 200>> {
  const body: Body<"login"> = { email, password };
  return call("POST", "/auth/login", null, body);
}

// A card application: the draft's data is typed by its `type`.
export async function applyForCard(token: string, photoUploadId: string, documentUploadId: string) {
  const draft: Body<"create-application"> = {
    type: "card_issue",
    data: {
      firstName: "Anna",
      lastName: "Nowak",
      birthDate: "1990-04-12",
      cardKind: "virtual",
      photoUploadId,
      documentUploadIds: [documentUploadId],
      consents: [{ clauseId: "terms", accepted: true }],
    },
  };
  const created = await call<Ok<"create-application", 201>>("POST", "/profiles/me/applications", token, draft, {
    "idempotency-key": crypto.randomUUID(),
  });
  const submitted = await call<Ok<"submit-application", 200>>(
    "POST",
    `/profiles/me/applications/${created.applicationId}/submit`,
    token,
  );
  const status: components["schemas"]["ApplicationStatus"] = submitted.status;
  return status;
}

// The contract refuses what the API refuses: a card kind it does not know.
export const wrongKind: Body<"create-application"> = {
  type: "card_issue",
  // @ts-expect-error "plastic" is not a card kind
  data: { cardKind: "plastic" },
};

// A verification at a partner's counter: nothing about the person unless valid.
export async function verify(token: string, cardNumber: string): Promise<string> {
  const body: Body<"verify-card"> = { cardNumber };
  const v = await call<Ok<"verify-card", 200>>("POST", "/verify", token, body);
  if (!v.valid || v.holder === null) {
    return `invalid: ${v.reason ?? "unknown"}`;
  }
  const packages = (v.packages ?? []).map((p) => `${p.name} (do ${p.validTo})`);
  return `${v.holder.firstName} ${v.holder.lastNameInitial}. — ${packages.join(", ")}`;
}

// The error branch: clients switch on the problem's stable code.
export async function blockCard(token: string, cardId: string): Promise<string> {
  const body: Body<"block-card"> = { reason: "lost" };
  try {
    await call("POST", `/profiles/me/cards/${cardId}/block`, token, body);
    return "blocked";
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    switch (e.problem.code) {
      case "card_already_blocked":
        return "already blocked";
      case "not_found":
        return "no such card";
      default:
        return `${e.problem.status} ${e.problem.code}: ${e.problem.detail ?? e.problem.title}`;
    }
  }
}

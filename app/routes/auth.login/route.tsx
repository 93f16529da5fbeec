import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { readBodyWithin } from "~/lib/request-body.server";
import { login } from "~/shopify.server";
import { loginErrorMessage } from "./error.server";

/** The login form is one field, the shop's domain: a few hundred bytes with the form's encoding. */
const MAX_LOGIN_FORM_BYTES = 16 * 1024;

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

// Outside Shopify admin (a direct visit), ask for the shop domain and start Shopify's login.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  return { errors: loginErrorMessage(await login(request)) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  // Nobody is signed in yet and the library reads the form whole: it gets the body read within a cap.
  const form = await readBodyWithin(request, MAX_LOGIN_FORM_BYTES, "auth.login");
  return { errors: loginErrorMessage(await login(new Request(request.url, { method: "POST", headers: request.headers, body: form }))) };
};

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const { errors } = actionData ?? loaderData;

  return (
    <PolarisAppProvider i18n={polarisTranslations}>
      <Page>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in to Anchorline
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}

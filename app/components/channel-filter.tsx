import { useSearchParams } from "@remix-run/react";
import { Select } from "@shopify/polaris";
import { useState } from "react";

/** The channel field of a screen's GET filter form: every channel or one, filled from the address (`channelId`). */
export function ChannelFilter({ channels }: { channels: readonly { id: string; name: string }[] }) {
  const [params] = useSearchParams();
  const [channelId, setChannelId] = useState(params.get("channelId") ?? "");
  return (
    <Select
      label="Channel"
      name="channelId"
      options={[{ label: "Every channel", value: "" }, ...channels.map((c) => ({ label: c.name, value: c.id }))]}
      value={channelId}
      onChange={setChannelId}
    />
  );
}

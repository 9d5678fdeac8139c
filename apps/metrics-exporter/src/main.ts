import { bootService } from '@nightshift/service-shell';
import { buildMetricsExporter } from './metrics-exporter';

void bootService('metrics-exporter', buildMetricsExporter);
